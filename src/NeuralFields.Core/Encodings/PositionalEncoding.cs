using NeuralFields.Schema.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// NeRF positional encoding. Layout per coordinate row: [x (if included), then for each octave k:
/// sin(2^k s x) for every dim, cos(2^k s x) for every dim].
/// </summary>
[Computes(typeof(PositionalEncodingConfig))]
public sealed class PositionalEncoding : Encoding
{
    private readonly PositionalEncodingConfig _config;
    private readonly Tensor frequencies;

    public PositionalEncoding(PositionalEncodingConfig config, int inputDims) : base("positional", inputDims)
    {
        _config = config;
        double scale = config.MultiplyByPi ? Math.PI : 1.0;
        var values = Enumerable.Range(0, config.Octaves).Select(k => (float)(Math.Pow(2, k) * scale)).ToArray();
        frequencies = tensor(values).reshape(1, config.Octaves, 1);
        RegisterComponents();
    }

    public override int OutputDims => _config.OutputDims(InputDims);

    public override EncodingConfig Config => _config;

    protected override Tensor Encode(Tensor coordinates)
    {
        using var scope = NewDisposeScope();
        long n = coordinates.shape[0];
        var phase = coordinates.unsqueeze(1) * frequencies;            // [N, L, D]
        var features = stack([phase.sin(), phase.cos()], dim: 2)       // [N, L, 2, D]
            .reshape(n, 2 * _config.Octaves * InputDims);
        var result = _config.IncludeInput ? cat([coordinates, features], dim: 1) : features;
        return result.MoveToOuterDisposeScope();
    }
}
