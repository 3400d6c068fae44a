using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using ILGPU;

namespace NeuralFields.Kernels.Encodings;

/// <summary>One basis function φ of a shifted-basis encoding, evaluated at an offset t − c.</summary>
public interface IShiftedBasis
{
    float Value(float offset);
}

/// <summary>φ(t) = exp(t²·a) with a = (float)(−1/(2σ²)), as NeuralFields.Core's ShiftedGaussian computes it.</summary>
public readonly struct GaussianBasis(double sigma) : IShiftedBasis, IEquatable<GaussianBasis>
{
    public readonly float Coefficient = (float)-(1.0 / (2 * sigma * sigma));

    public float Value(float offset) => KernelMath.Exp(offset * offset * Coefficient);

    public bool Equals(GaussianBasis other) => Coefficient == other.Coefficient;

    public override bool Equals(object? obj) => obj is GaussianBasis other && Equals(other);

    public override int GetHashCode() => Coefficient.GetHashCode();
}

/// <summary>φ(t) = max(0, 1 − |t|/d), as NeuralFields.Core's ShiftedTriangle computes it (|t|·(float)(−1/d) + 1).</summary>
public readonly struct TriangleBasis(double halfWidth) : IShiftedBasis, IEquatable<TriangleBasis>
{
    public readonly float Slope = (float)(-1.0 / halfWidth);

    public float Value(float offset)
    {
        float magnitude = offset < 0 ? -offset : offset;
        return KernelMath.Max(magnitude * Slope + 1f, 0f);
    }

    public bool Equals(TriangleBasis other) => Slope == other.Slope;

    public override bool Equals(object? obj) => obj is TriangleBasis other && Equals(other);

    public override int GetHashCode() => Slope.GetHashCode();
}

/// <summary>
/// Shifted copies of one basis along K directions (NeuralFields.Core's ShiftedBasis): t = x P with the
/// projection P [dims, K] at <see cref="ProjectionOffset"/>, then φ(t_j − c_k) for the D centres at
/// <see cref="CentersOffset"/>, direction-major (feature j·D + k), divided by the stored normalisation.
/// </summary>
public readonly struct ShiftedBasisKernel<TBasis>(TBasis basis, int dims, int directions, int centers,
    int projectionOffset, int centersOffset, float normalisation) : IEncodingKernel, IEquatable<ShiftedBasisKernel<TBasis>>
    where TBasis : unmanaged, IShiftedBasis, IEquatable<TBasis>
{
    public readonly TBasis Basis = basis;
    public readonly int Dims = dims;
    public readonly int Directions = directions;
    public readonly int Centers = centers;
    public readonly int ProjectionOffset = projectionOffset;
    public readonly int CentersOffset = centersOffset;
    public readonly float Normalisation = normalisation;

    public int InputDims => Dims;

    public int OutputDims => Directions * Centers;

    public void Encode(Point x, in EncodingData data, ArrayView<float> output, long at, long stride)
    {
        for (int j = 0; j < Directions; j++)
        {
            float t = x.X * data.Floats[ProjectionOffset + j];
            for (int i = 1; i < Dims; i++)
                t += x[i] * data.Floats[ProjectionOffset + i * Directions + j];
            long k = at + (long)j * Centers * stride;
            for (int c = 0; c < Centers; c++, k += stride)
                output[k] = Basis.Value(t - data.Floats[CentersOffset + c]) / Normalisation;
        }
    }

    public bool Equals(ShiftedBasisKernel<TBasis> other) =>
        Basis.Equals(other.Basis) && Dims == other.Dims && Directions == other.Directions && Centers == other.Centers
        && ProjectionOffset == other.ProjectionOffset && CentersOffset == other.CentersOffset && Normalisation == other.Normalisation;

    public override bool Equals(object? obj) => obj is ShiftedBasisKernel<TBasis> other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Basis, Dims, Directions, Centers, ProjectionOffset, CentersOffset, Normalisation);
}

/// <summary>Shifted bases take the stored projection, centres and normalisation of the trained model.</summary>
public abstract class ShiftedBasisPlanner(ShiftedBasisConfig config) : EncodingPlanner
{
    protected EncodingPlan Plan<TBasis>(EncodingSpec spec, EncodingPlan.Builder builder, TBasis basis)
        where TBasis : unmanaged, IShiftedBasis, IEquatable<TBasis>
    {
        float norm = spec.Tensor(ShiftedBasisConfig.NormName)[0];
        if (!(norm > 0) || !float.IsFinite(norm))
            throw new ConfigException($"{ComponentRegistry.Describe(config)}: the encoding is not calibrated (normalisation {norm}); kernels need the stored value");
        int projection = builder.Append(spec.Tensor(ShiftedBasisConfig.ProjectionName));
        int centers = builder.Append(spec.Tensor(ShiftedBasisConfig.CentersName));
        return EncodingPlan.Builder.Of(new ShiftedBasisKernel<TBasis>(basis, spec.InputDims, config.DirectionCount(spec.InputDims), config.Centers, projection, centers, norm));
    }
}

[Computes(typeof(ShiftedGaussianConfig))]
public sealed class ShiftedGaussianPlanner(ShiftedGaussianConfig config) : ShiftedBasisPlanner(config)
{
    public override EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder) => Plan(spec, builder, new GaussianBasis(config.Sigma));
}

[Computes(typeof(ShiftedTriangleConfig))]
public sealed class ShiftedTrianglePlanner(ShiftedTriangleConfig config) : ShiftedBasisPlanner(config)
{
    public override EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder) =>
        Plan(spec, builder, new TriangleBasis(config.HalfWidth ?? 2.0 / config.Centers));
}
