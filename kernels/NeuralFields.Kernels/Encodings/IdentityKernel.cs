using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using ILGPU;

namespace NeuralFields.Kernels.Encodings;

/// <summary>The coordinates themselves ("none").</summary>
public readonly struct IdentityKernel(int dims) : IEncodingKernel, IEquatable<IdentityKernel>
{
    public readonly int Dims = dims;

    public int InputDims => Dims;

    public int OutputDims => Dims;

    public void Encode(Point x, in EncodingData data, ArrayView<float> output, long at, long stride)
    {
        for (int i = 0; i < Dims; i++)
            output[at + i * stride] = x[i];
    }

    public bool Equals(IdentityKernel other) => Dims == other.Dims;

    public override bool Equals(object? obj) => obj is IdentityKernel other && Equals(other);

    public override int GetHashCode() => Dims;
}

[Computes(typeof(IdentityEncodingConfig))]
public sealed class IdentityPlanner : EncodingPlanner
{
    public IdentityPlanner(IdentityEncodingConfig config)
    {
    }

    public override EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder) => EncodingPlan.Builder.Of(new IdentityKernel(spec.InputDims));
}
