using NeuralFields.Core.Heads;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training.Samples;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// Checks, for lossless runs and bit-plane heads, which bits of the decoded samples are right: the model's
/// values rounded to the signal's integers against the target's integers, per bit plane, counted exactly
/// chunk by chunk (so a check never holds the whole signal's predictions).
/// </summary>
internal sealed class BitTracker(FieldModel model, ITrainingSamples samples) : IDisposable
{
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
    /// batch's raw outputs (with its <paramref name="targets"/>) or (null) a prediction of every sample; true when
    /// every sample is exact. A free check that finds no error is <paramref name="confirm"/>ed by the chunked
    /// prediction the decoder uses.
    /// </summary>
    public bool Check(Tensor? raw, Tensor? targets, int step, double seconds, bool confirm)
    {
        var rates = raw is null ? Predicted() : Rates(Errors(model.Head.Values(raw), targets!), samples.Count);
        if (raw is not null && confirm && rates.All(r => r == 0))
            rates = Predicted();
        var point = new BitErrorPoint(step, rates, seconds);
        _points.Add(point);
        return point.Exact;
    }

    private double[] Predicted()
    {
        int bits = model.Signal.BitDepth;
        var errors = new long[bits];
        using (no_grad())
            for (long start = 0; start < samples.Count; start += SignalPsnr.DefaultChunk)
            {
                using var scope = NewDisposeScope();
                var (x, y) = samples.Slice(start, Math.Min(SignalPsnr.DefaultChunk, samples.Count - start));
                var chunk = Errors(model.Predict(x), y);
                for (int b = 0; b < bits; b++) errors[b] += chunk[b];
            }
        model.train();
        return Rates(errors, samples.Count);
    }

    /// <summary>Wrong bits per plane between the values' integers and the targets' integers.</summary>
    private long[] Errors(Tensor values, Tensor targets)
    {
        using var scope = NewDisposeScope();
        int bits = model.Signal.BitDepth;
        var predicted = BitPlanes.Quantize(values, bits);
        var expected = BitPlanes.Quantize(targets, bits);
        var differing = predicted.bitwise_xor(expected).reshape(predicted.shape[0], -1);
        return BitPlanes.Decompose(differing, bits).sum([0L, 2L], type: ScalarType.Int64).data<long>().ToArray();
    }

    private double[] Rates(long[] errors, long count)
    {
        double values = (double)count * model.Signal.Channels;
        return errors.Select(e => e / values).ToArray();
    }

    public void Dispose() { }
}
