using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NeuralFields.Core.Runtime;

/// <summary>The memory of a contiguous float32 CPU tensor, for the C# kernels that work on it in place.</summary>
internal static unsafe class TensorPointer
{
    public static float* Float(Tensor t) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));

    public static nint Address(Tensor t) => (nint)Float(t);

    /// <summary>Each tensor's position in <paramref name="tensors"/> by its memory: parameters are matched so, since wrappers of one tensor may be different objects.</summary>
    public static Dictionary<nint, int> IndexByAddress(IEnumerable<Tensor> tensors) =>
        tensors.Select((t, i) => (At: Address(t), i)).ToDictionary(t => t.At, t => t.i);
}
