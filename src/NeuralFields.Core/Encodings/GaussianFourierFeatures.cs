using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// Random Fourier features [cos(2π B x), sin(2π B x)] with B ~ N(0, σ²) of shape [features, dims],
/// drawn row-major from <see cref="PortableRandom"/> so the matrix depends only on the seed.
/// </summary>
[Computes(typeof(GaussianFourierConfig))]
public sealed class GaussianFourierFeatures : Encoding
{
    private readonly GaussianFourierConfig _config;
    private readonly Tensor projection;

    public GaussianFourierFeatures(GaussianFourierConfig config, int inputDims) : base("rff", inputDims)
    {
        _config = config;
        projection = tensor(Matrix(config, inputDims)).reshape(config.Features, inputDims);
        RegisterComponents();
    }

    /// <summary>2π B, row-major [features, dims], as the encoding uses it.</summary>
    public static float[] Matrix(GaussianFourierConfig config, int inputDims) => GaussianFourierMatrix.Build(config, inputDims);

    public override int OutputDims => _config.OutputDims(InputDims);

    public override EncodingConfig Config => _config;

    protected override Tensor Encode(Tensor coordinates)
    {
        using var phase = coordinates.matmul(projection.t());
        return cat([phase.cos(), phase.sin()], dim: 1);
    }
}
