using NeuralFields.Core.Training;
using NeuralFields.Schema;

namespace NeuralFields.Fitting.Planning;

/// <summary>
/// A run decided before any work: the config as it will train (the batch size chosen to fit the memory budget),
/// what it is estimated to hold, the budget, and in words what was chosen and why.
/// </summary>
public sealed record FitPlan(FieldConfig Config, MemoryEstimate Memory, long Budget, IReadOnlyList<string> Notes)
{
    /// <summary>The smallest batch a plan falls back to before it refuses.</summary>
    public const int SmallestBatch = 4096;

    /// <summary>The largest random batch a plan picks when the whole signal does not fit (tiny-cuda-nn's image sample uses 2^18).</summary>
    public const int LargestBatch = 1 << 18;

    /// <summary>
    /// Full batch (batch_size 0) when the whole signal fits the budget, else the largest power-of-two batch up to
    /// <see cref="LargestBatch"/> that does; a config that cannot fit at any batch is refused with what to change.
    /// </summary>
    public static FitPlan For(FieldConfig config, SignalInfo signal, long samples, long signalBytes, long budget)
    {
        var notes = new List<string>();
        var training = config.Training;
        long batch = training.BatchSize == 0 || training.BatchSize >= samples ? samples : training.BatchSize;
        var estimate = MemoryEstimate.Of(config, signal, batch);
        if (estimate.Fixed + signalBytes + MemoryEstimate.Of(config, signal, Math.Min(samples, SmallestBatch)).Batch > budget)
            throw new NeuralFieldsException(
                $"the model needs {MemoryEstimate.Gigabytes(estimate.Fixed + signalBytes)} before any batch ({Describe(estimate)}, the signal " +
                $"{MemoryEstimate.Gigabytes(signalBytes)}), over the memory budget of {MemoryEstimate.Gigabytes(budget)}: use a smaller model " +
                "(log2_hashmap_size, width, layers) or raise --memory");
        if (estimate.Total + signalBytes > budget)
        {
            if (training.BatchSize != 0)
                throw new NeuralFieldsException(
                    $"a batch of {batch:N0} samples needs {MemoryEstimate.Gigabytes(estimate.Total + signalBytes)} ({estimate}), over the memory budget of " +
                    $"{MemoryEstimate.Gigabytes(budget)}: lower training.batch_size or raise --memory");
            long fitting = Math.Min(LargestBatch, 1L << (int)Math.Floor(Math.Log2(samples)));
            while (fitting > SmallestBatch && MemoryEstimate.Of(config, signal, fitting).Total + signalBytes > budget) fitting /= 2;
            notes.Add($"the whole signal ({samples:N0} samples) as one batch would need {MemoryEstimate.Gigabytes(estimate.Total + signalBytes)}, " +
                      $"over the {MemoryEstimate.Gigabytes(budget)} budget: training on random batches of {fitting:N0}");
            config = config with { Training = training with { BatchSize = (int)fitting } };
            estimate = MemoryEstimate.Of(config, signal, fitting);
        }
        notes.Add($"memory: about {MemoryEstimate.Gigabytes(estimate.Total + signalBytes)} of the {MemoryEstimate.Gigabytes(budget)} budget " +
                  $"({Describe(estimate)}, batch {MemoryEstimate.Gigabytes(estimate.Batch)}, signal and reconstruction {MemoryEstimate.Gigabytes(signalBytes)})");
        return new FitPlan(config, estimate, budget, notes);
    }

    private static string Describe(MemoryEstimate e) =>
        $"model {MemoryEstimate.Gigabytes(e.Model)}, gradients and Adam moments {MemoryEstimate.Gigabytes(e.Gradients + e.Optimizer)}, runtime {MemoryEstimate.Gigabytes(e.Process)}";
}
