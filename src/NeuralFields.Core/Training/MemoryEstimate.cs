using NeuralFields.Core.Models;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Training;

/// <summary>
/// What training a config on a signal will hold in memory, estimated from its description before anything is
/// allocated: the model's tensors, their gradients and Adam's two moments, one batch's activations through the
/// TorchSharp path (forward values kept for backward, and backward's own buffers), and the process itself. The fused
/// step keeps only a tile's activations and the encoding's feature gradients, so this bounds its use from above.
/// </summary>
public sealed record MemoryEstimate(long Model, long Gradients, long Optimizer, long Batch, long Process)
{
    /// <summary>TorchSharp, libtorch and the .NET runtime, measured resident after the first training step of a tiny model.</summary>
    public const long ProcessBytes = 450L << 20;

    public long Total => Model + Gradients + Optimizer + Batch + Process;

    /// <summary>Everything but the batch: what no batch size can reduce.</summary>
    public long Fixed => Model + Gradients + Optimizer + Process;

    public static MemoryEstimate Of(FieldConfig config, SignalInfo signal, long batchSamples)
    {
        var layout = FieldLayout.Of(config, signal);
        long all = layout.Tensors.Sum(t => t.Elements), trained = layout.Parameters.Sum(t => t.Elements);
        return new MemoryEstimate(4 * all, 4 * trained, 8 * trained, batchSamples * BytesPerSample(layout, config, signal), ProcessBytes);
    }

    /// <summary>
    /// Bytes one training sample takes through forward and backward: its coordinates and targets, the encoding's
    /// features (kept, and their gradient), every layer's output before and after its activation (kept, and their
    /// gradients), the head's outputs and loss terms; all float32, times the queries a sample makes.
    /// </summary>
    public static long BytesPerSample(FieldLayout layout, FieldConfig config, SignalInfo signal)
    {
        long layerOutputs = layout.Tensors.Where(t => t.Name.StartsWith(FieldLayout.NetworkPrefix + ".", StringComparison.Ordinal) && t.Shape.Length == 2)
            .Sum(t => (long)t.Shape[0]);
        long perQuery = 3L * layout.InputDims + 3L * layout.EncodedDims + 4L * layerOutputs + 4L * layout.OutputsPerQuery;
        return 4 * (perQuery * layout.QueriesPerSample + 3L * signal.Channels + 2);   // + the index that gathers the batch
    }

    /// <summary>"1.2 GB" (binary gigabytes, as the memory option takes them).</summary>
    public static string Gigabytes(long bytes) => $"{bytes / (double)(1L << 30):F2} GB";

    public override string ToString() =>
        $"{Gigabytes(Total)} (model {Gigabytes(Model)}, gradients and Adam moments {Gigabytes(Gradients + Optimizer)}, batch {Gigabytes(Batch)}, runtime {Gigabytes(Process)})";
}

/// <summary>How much memory a run may use: given in GB, or by default a safe share of what the machine has available.</summary>
public static class MemoryBudget
{
    /// <summary>The share of the available memory a run takes by default (the rest stays for the system and other work).</summary>
    public const double DefaultShare = 0.6;

    /// <summary><see cref="DefaultShare"/> of the memory available now (Linux: MemAvailable; elsewhere what .NET reports).</summary>
    public static long Default() => (long)(DefaultShare * Available());

    public static long FromGigabytes(double gigabytes)
    {
        if (!(gigabytes > 0) || !double.IsFinite(gigabytes) || gigabytes > 1 << 20)
            throw new NeuralFieldsException($"--memory must be a positive number of GB, got {gigabytes}");
        return (long)(gigabytes * (1L << 30));
    }

    public static long Available()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}
