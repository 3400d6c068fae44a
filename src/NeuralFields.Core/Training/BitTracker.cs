using NeuralFields.Core.Heads;
using NeuralFields.Core.Models;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// Checks, for lossless runs and bit-plane heads, which bits of the decoded samples are right: the model's
/// values rounded to the signal's integers against the target's integers, per bit plane.
/// </summary>
internal sealed class BitTracker(FieldModel model, Tensor coordinates, Tensor targets) : IDisposable
{
    private readonly Tensor _targetIntegers = BitPlanes.Quantize(targets, model.Signal.BitDepth).DetachFromDisposeScope();
    private readonly List<BitErrorPoint> _points = [];

    public IReadOnlyList<BitErrorPoint> Points => _points;

    public BitErrorPoint? Last => _points.Count > 0 ? _points[^1] : null;

    public void Restore(IEnumerable<BitErrorPoint> points)
    {
        _points.Clear();
        _points.AddRange(points);
    }

    /// <summary>
    /// Records the bit error rate per plane of the weights after <paramref name="step"/> steps, from a full
    /// batch's raw outputs or (null) a prediction of every sample; true when every sample is exact. A free
    /// check that finds no error is <paramref name="confirm"/>ed by the chunked prediction the decoder uses.
    /// </summary>
    public bool Check(Tensor? raw, int step, double seconds, bool confirm)
    {
        var rates = Rates(raw);
        if (raw is not null && confirm && rates.All(r => r == 0))
            rates = Rates(null);
        var point = new BitErrorPoint(step, rates, seconds);
        _points.Add(point);
        return point.Exact;
    }

    private double[] Rates(Tensor? raw)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var values = raw is null ? model.Predict(coordinates) : model.Head.Values(raw);
        if (raw is null) model.train();
        var predicted = BitPlanes.Quantize(values, model.Signal.BitDepth);
        return Metrics.BitErrorRate.PerPlane(predicted, _targetIntegers, model.Signal.BitDepth);
    }

    public void Dispose() => _targetIntegers.Dispose();
}
