using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using ILGPU;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// NeRF positional encoding, laid out as NeuralFields.Core's PositionalEncoding: [x (if included), then
/// per octave k: sin(f_k x) for every dim, cos(f_k x) for every dim], f_k = (float)(2^k·s), s = π or 1.
/// </summary>
public readonly struct PositionalKernel : IEncodingKernel, IEquatable<PositionalKernel>
{
    public readonly int Dims;
    public readonly int Octaves;
    public readonly int IncludeInput;
    public readonly float Scale;

    public PositionalKernel(int dims, int octaves, bool includeInput, bool multiplyByPi)
    {
        Dims = dims;
        Octaves = octaves;
        IncludeInput = includeInput ? 1 : 0;
        Scale = multiplyByPi ? MathF.PI : 1f;
    }

    public int InputDims => Dims;

    public int OutputDims => Dims * (2 * Octaves + IncludeInput);

    public void Encode(Point x, in EncodingData data, ArrayView<float> output, long at, long stride)
    {
        long k = at;
        if (IncludeInput != 0)
            for (int i = 0; i < Dims; i++, k += stride)
                output[k] = x[i];
        float frequency = Scale;                       // 2^k·s is exact in float, as Core's (float)(2^k·s)
        for (int octave = 0; octave < Octaves; octave++, frequency *= 2f)
        {
            for (int i = 0; i < Dims; i++)
            {
                KernelMath.SinCos(x[i] * frequency, out float sin, out float cos);
                output[k + i * stride] = sin;
                output[k + (Dims + i) * stride] = cos;
            }
            k += 2 * Dims * stride;
        }
    }

    public bool Equals(PositionalKernel other) =>
        Dims == other.Dims && Octaves == other.Octaves && IncludeInput == other.IncludeInput && Scale == other.Scale;

    public override bool Equals(object? obj) => obj is PositionalKernel other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Dims, Octaves, IncludeInput, Scale);
}

[Computes(typeof(PositionalEncodingConfig))]
public sealed class PositionalPlanner(PositionalEncodingConfig config) : EncodingPlanner
{
    public override EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder) =>
        EncodingPlan.Builder.Of(new PositionalKernel(spec.InputDims, config.Octaves, config.IncludeInput, config.MultiplyByPi));
}
