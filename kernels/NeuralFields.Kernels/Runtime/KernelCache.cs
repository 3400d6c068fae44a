using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using ILGPU.Runtime;

namespace NeuralFields.Kernels.Runtime;

/// <summary>
/// Loaded kernels per accelerator, keyed by the closed generic kernel method: each (kernel, struct
/// types) combination is loaded once per accelerator and reused by every renderer and encoder. ILGPU
/// compiles a <c>SpecializedValue</c> kernel once per distinct value behind the same launcher.
/// </summary>
public sealed class KernelCache
{
    private static readonly ConditionalWeakTable<Accelerator, KernelCache> Caches = new();
    private readonly ConcurrentDictionary<MethodInfo, Delegate> _loaded = new();
    private readonly Accelerator _accelerator;

    private KernelCache(Accelerator accelerator) => _accelerator = accelerator;

    public static KernelCache For(Accelerator accelerator) => Caches.GetValue(accelerator, a => new KernelCache(a));

    /// <summary>Kernels loaded so far.</summary>
    public int Count => _loaded.Count;

    /// <summary>The launcher of <paramref name="kernel"/>, loading it with <paramref name="load"/> the first time.</summary>
    public TLauncher Get<TLauncher>(Delegate kernel, Func<Accelerator, TLauncher> load) where TLauncher : Delegate =>
        (TLauncher)_loaded.GetOrAdd(kernel.Method, _ => load(_accelerator));
}
