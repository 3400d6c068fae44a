using System.Reflection;

namespace NeuralFields.Schema.Components;

/// <summary>
/// Marks a backend's implementation of a component config type. A backend's <see cref="ImplementationCatalog{TImplementation}"/>
/// finds every marked type of its assembly, so adding a component to a backend is writing its class, nothing else.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ComputesAttribute(Type configType) : Attribute
{
    public Type ConfigType { get; } = configType;
}

/// <summary>
/// The implementations of one backend, by config type: the classes of <typeparamref name="TImplementation"/> in an
/// assembly marked [<see cref="ComputesAttribute"/>]. <see cref="Create"/> calls the constructor whose first
/// parameter is the config, followed by the backend's own arguments (widths, tensors).
/// </summary>
public sealed class ImplementationCatalog<TImplementation> where TImplementation : class
{
    private readonly Dictionary<Type, Type> _implementations = [];
    private readonly Backend _backend;

    /// <param name="configBase">Only implementations of configs of this kind (encodings, networks, ...) are taken.</param>
    public ImplementationCatalog(Assembly assembly, Backend backend, Type configBase)
    {
        _backend = backend;
        foreach (var type in assembly.GetTypes().Where(t => !t.IsAbstract && typeof(TImplementation).IsAssignableFrom(t)))
            foreach (var computes in type.GetCustomAttributes<ComputesAttribute>().Where(c => configBase.IsAssignableFrom(c.ConfigType)))
                if (!_implementations.TryAdd(computes.ConfigType, type))
                    throw new InvalidOperationException($"{ComponentRegistry.BackendName(backend)}: both {_implementations[computes.ConfigType].Name} and {type.Name} compute {computes.ConfigType.Name}");
    }

    /// <summary>The config types this backend implements.</summary>
    public IReadOnlyCollection<Type> ConfigTypes => _implementations.Keys;

    public bool Implements(Type configType) => _implementations.ContainsKey(configType);

    /// <summary>The implementation of <paramref name="config"/>; <see cref="ConfigException"/> when this backend has none.</summary>
    public TImplementation Create(ComponentConfig config, params object[] arguments)
    {
        if (!_implementations.TryGetValue(config.GetType(), out var type))
        {
            var entry = ComponentRegistry.Describe(config);
            throw new ConfigException($"the {ComponentRegistry.BackendName(_backend)} cannot compute {entry.Kind} '{entry.Name}' ({entry.Missing(_backend) ?? "no implementation is marked"})");
        }
        try
        {
            return (TImplementation)Activator.CreateInstance(type, [config, .. arguments])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
