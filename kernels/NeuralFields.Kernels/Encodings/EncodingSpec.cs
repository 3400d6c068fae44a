using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// An encoding as the kernels take it: its config, the coordinate dimensions and its tensors by the names
/// its config gives them (<see cref="EncodingConfig.Tensors"/>), taken from the trained model
/// (NeuralFields.Backends reads them from a TorchSharp FieldModel), so the kernels never recompute what
/// the model stores.
/// </summary>
public sealed record EncodingSpec(EncodingConfig Config, int InputDims)
{
    public IReadOnlyDictionary<string, float[]> Tensors { get; init; } = new Dictionary<string, float[]>();

    /// <summary>The tensor <paramref name="name"/>, checked against the size the config gives it.</summary>
    public float[] Tensor(string name)
    {
        var spec = Config.Tensors(InputDims).FirstOrDefault(t => t.Name == name)
            ?? throw new InvalidOperationException($"{ComponentRegistry.Describe(Config)} has no tensor '{name}'");
        if (!Tensors.TryGetValue(name, out var values))
            throw new Schema.ConfigException($"{ComponentRegistry.Describe(Config)}: the '{name}' data is missing from the encoding spec");
        if (values.LongLength != spec.Elements)
            throw new Schema.ConfigException($"{ComponentRegistry.Describe(Config)}: '{name}' has {values.LongLength} values, not the {spec.Elements} of [{string.Join(", ", spec.Shape)}]");
        return values;
    }

    /// <summary>The spec of an encoding nested in this one, whose tensors are named "<paramref name="prefix"/>.…".</summary>
    public EncodingSpec Nested(string prefix, EncodingConfig inner) => new(inner, InputDims)
    {
        Tensors = Tensors.Where(t => t.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .ToDictionary(t => t.Key[(prefix.Length + 1)..], t => t.Value),
    };
}
