using NeuralFields.Core.Models;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// PSNR of a model against target values in [0,1], evaluated chunk by chunk without gradients and summed
/// sample by sample in double in a fixed order, so memory stays at one chunk; since
/// <see cref="FieldModel.Predict"/> gives each sample the same value however many are predicted together, the
/// result does not depend on the chunk size.
/// </summary>
public static class SignalPsnr
{
    public const int DefaultChunk = 65536;

    /// <summary>PSNR over every row of <paramref name="coordinates"/> / <paramref name="targets"/>.</summary>
    public static double Of(FieldModel model, Tensor coordinates, Tensor targets, int chunk = DefaultChunk, Func<Tensor, Tensor>? predict = null)
    {
        using var samples = new Samples.TensorSamples(coordinates.alias(), targets.alias());
        return Of(model, samples, chunk, predict);
    }

    /// <summary>PSNR over every pair of <paramref name="samples"/>, taken a chunk at a time.</summary>
    /// <param name="predict">Values of a chunk of coordinates; null: <see cref="FieldModel.Predict"/> (a fused step passes its own forward pass).</param>
    public static double Of(FieldModel model, Samples.ITrainingSamples samples, int chunk = DefaultChunk, Func<Tensor, Tensor>? predict = null)
    {
        predict ??= x => model.Predict(x);
        long n = samples.Count;
        // Chunks start at multiples of the prediction block, so each sample sits at the same row of the same block.
        long block = FieldModel.EvaluationBlock / model.Head.QueriesPerSample;
        chunk = (int)Math.Max(block, chunk / block * block);
        double sum = 0;
        using (no_grad())
        using (model.HoldForPrediction())
            for (long start = 0; start < n; start += chunk)
            {
                using var scope = NewDisposeScope();
                long length = Math.Min(chunk, n - start);
                var (x, y) = samples.Slice(start, length);
                var predicted = predict(x);
                var difference = (predicted - y).contiguous();
                AddSquares(difference, ref sum);
            }
        return Metrics.Psnr.FromMse(sum / (n * samples.Channels));
    }

    /// <summary>Adds each value's square to the one running sum, so the order of additions is the samples' order whatever the chunks.</summary>
    private static unsafe void AddSquares(Tensor values, ref double sum)
    {
        foreach (float v in new ReadOnlySpan<float>(Runtime.TensorPointer.Float(values), checked((int)values.numel())))
            sum += (double)v * v;
    }
}
