using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>
/// The decoder's arithmetic, each operation a separately rounded IEEE float32 (or double) step.
/// Vectors run the same operation on independent lanes, so results do not depend on the vector width;
/// multiply and add stay two instructions (RyuJIT never fuses them, and nothing here asks it to).
/// </summary>
internal static class Kernels
{
    /// <summary>sin in double (<see cref="PortableMath"/>), rounded once to float.</summary>
    public static float Sin(float x) => (float)PortableMath.Sin(x);

    public static float Cos(float x) => (float)PortableMath.Cos(x);

    /// <summary>1/(1 + e^(−z)) in double, rounded once to float.</summary>
    public static float Sigmoid(float z) => (float)(1.0 / (1.0 + PortableMath.Exp(-(double)z)));

    /// <summary>acc[j] = acc[j] + w·x[j] (the product rounded, then the sum).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(Span<float> acc, ReadOnlySpan<float> x, float w)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated && acc.Length >= Vector<float>.Count)
        {
            var weight = new Vector<float>(w);
            var accVectors = MemoryMarshal.Cast<float, Vector<float>>(acc);
            var xVectors = MemoryMarshal.Cast<float, Vector<float>>(x[..acc.Length]);
            for (int v = 0; v < accVectors.Length; v++)
            {
                var product = weight * xVectors[v];
                accVectors[v] = accVectors[v] + product;
            }
            j = accVectors.Length * Vector<float>.Count;
        }
        for (; j < acc.Length; j++)
        {
            float product = w * x[j];
            acc[j] = acc[j] + product;
        }
    }

    /// <summary>y[j] = y[j] + b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScalar(Span<float> y, float b)
    {
        for (int j = 0; j < y.Length; j++) y[j] = y[j] + b;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Relu(Span<float> y)
    {
        for (int j = 0; j < y.Length; j++) y[j] = y[j] > 0f ? y[j] : 0f;
    }

    /// <summary>y = sin(ω·y): the product in float32 (as the trainer computes ω z), the sine in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sine(Span<float> y, float omega)
    {
        for (int j = 0; j < y.Length; j++) y[j] = Sin(y[j] * omega);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map(ReadOnlySpan<float> x, Span<float> y, Func<float, float> f)
    {
        for (int j = 0; j < x.Length; j++) y[j] = f(x[j]);
    }
}
