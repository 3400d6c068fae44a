using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace NeuralFields.Core.Runtime;

/// <summary>The memory of a contiguous float32 CPU tensor, for the C# kernels that work on it in place.</summary>
internal static unsafe class TensorPointer
{
    public static float* Float(Tensor t) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
}
