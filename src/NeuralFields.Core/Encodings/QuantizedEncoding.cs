using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// Snaps each coordinate to the centre of its lattice cell, q = (2⌊(x + 1)R/2⌋ + 1)/R − 1 with the cell
/// index clamped to [0, R−1], then applies the inner encoding. The snap has no gradient with respect to
/// the coordinates (CQ-NIR uses none either); the weights train as usual.
/// </summary>
[Computes(typeof(QuantizedEncodingConfig))]
public sealed class QuantizedEncoding : Encoding
{
    private readonly QuantizedEncodingConfig _config;
    private readonly Encoding inner;
    private readonly Tensor cells;        // [1, dims]: R per axis

    public QuantizedEncoding(QuantizedEncodingConfig config, int inputDims) : base("quantized", inputDims)
    {
        _config = config;
        inner = Models.ComponentBuilders.BuildEncoding(config.Inner, inputDims);
        var resolution = config.ResolutionFor(inputDims);
        cells = tensor(resolution.Select(r => (float)r).ToArray()).reshape(1, inputDims);
        RegisterComponents();
    }

    public Encoding Inner => inner;

    public override int OutputDims => inner.OutputDims;

    public override EncodingConfig Config => _config;

    public override bool NeedsCalibration => inner.NeedsCalibration;

    public override void Calibrate(Tensor trainingCoordinates)
    {
        using var snapped = Snap(trainingCoordinates);
        inner.Calibrate(snapped);
    }

    /// <summary>The cell centres of <paramref name="coordinates"/> [N, dims].</summary>
    public Tensor Snap(Tensor coordinates)
    {
        using var scope = NewDisposeScope();
        var index = coordinates.detach().add(1).mul_(cells).mul_(0.5).floor_().clamp_(zeros_like(cells), cells - 1);
        return index.mul_(2).add_(1).div_(cells).sub_(1).MoveToOuterDisposeScope();
    }

    protected override Tensor Encode(Tensor coordinates)
    {
        using var snapped = Snap(coordinates);
        return inner.forward(snapped);
    }
}
