using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using ILGPU;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// Gaussian random Fourier features [cos(B' x) for every row, then sin(B' x) for every row], where
/// B' = 2πB [features, dims] is given as data (NeuralFields.Core's GaussianFourierFeatures.Matrix), at
/// <see cref="MatrixOffset"/> of <see cref="EncodingData.Floats"/>.
/// </summary>
public readonly struct FourierKernel(int dims, int features, int matrixOffset) : IEncodingKernel, IEquatable<FourierKernel>
{
    public readonly int Dims = dims;
    public readonly int Features = features;
    public readonly int MatrixOffset = matrixOffset;

    public int InputDims => Dims;

    public int OutputDims => 2 * Features;

    public void Encode(Point x, in EncodingData data, ArrayView<float> output, long at, long stride)
    {
        for (int j = 0; j < Features; j++)
        {
            int row = MatrixOffset + j * Dims;
            float phase = x.X * data.Floats[row];
            for (int i = 1; i < Dims; i++)
                phase += x[i] * data.Floats[row + i];
            KernelMath.SinCos(phase, out float sin, out float cos);
            output[at + j * stride] = cos;
            output[at + (Features + j) * stride] = sin;
        }
    }

    public bool Equals(FourierKernel other) => Dims == other.Dims && Features == other.Features && MatrixOffset == other.MatrixOffset;

    public override bool Equals(object? obj) => obj is FourierKernel other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Dims, Features, MatrixOffset);
}

[Computes(typeof(GaussianFourierConfig))]
public sealed class FourierPlanner(GaussianFourierConfig config) : EncodingPlanner
{
    public override EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder) =>
        EncodingPlan.Builder.Of(new FourierKernel(spec.InputDims, config.Features, builder.Append(spec.Tensor(GaussianFourierConfig.ProjectionName))));
}
