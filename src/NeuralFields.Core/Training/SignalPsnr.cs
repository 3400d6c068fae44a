using NeuralFields.Core.Models;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// PSNR of a model against target values in [0,1], evaluated chunk by chunk without gradients and summed
/// sample by sample in double in a fixed order, so memory stays at one chunk and the result does not depend
/// on the chunk size.
/// </summary>
public static class SignalPsnr
{
    public const int DefaultChunk = 65536;

    /// <summary>PSNR over every row of <paramref name="coordinates"/> / <paramref name="targets"/>.</summary>
    public static double Of(FieldModel model, Tensor coordinates, Tensor targets, int chunk = DefaultChunk)
    {
        long n = coordinates.shape[0];
        double sum = 0;
        using (no_grad())
            for (long start = 0; start < n; start += chunk)
            {
                using var scope = NewDisposeScope();
                long length = Math.Min(chunk, n - start);
                var predicted = model.Predict(coordinates.narrow(0, start, length), chunk);
                var difference = (predicted - targets.narrow(0, start, length)).contiguous();
                sum += SumOfSquares(difference);
            }
        return Metrics.Psnr.FromMse(sum / targets.numel());
    }

    private static unsafe double SumOfSquares(Tensor values)
    {
        double sum = 0;
        foreach (float v in new ReadOnlySpan<float>(Runtime.TensorPointer.Float(values), checked((int)values.numel())))
            sum += (double)v * v;
        return sum;
    }
}
