using System.Globalization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Fitting.Planning;

/// <summary>
/// The default model of `nf fit` for images: instant-ngp's image setup (hash grid of 16 levels × 2 features, ReLU 2×64,
/// sigmoid, Adam 1e-2 with β2 0.99) with its capacity chosen from the image: the finest level at about one cell per
/// pixel of the longer side, the table near the number of pixels (2^14 to 2^22 entries per level, smaller when the
/// memory budget needs it), the whole image per step up to 2^18 pixels and random batches of 2^18 above, and enough
/// steps to see every pixel about 20 times (500 to 2,000).
/// </summary>
public static class AutoConfig
{
    public const string Name = "auto";

    public const int Levels = 16, BaseResolution = 16, MinLog2Table = 14, MaxLog2Table = 22;

    public static FieldConfig ForImage(SignalInfo signal, long memoryBudget)
    {
        long pixels = signal.SampleCount;
        int side = signal.Dimensions.Max();
        double scale = side <= BaseResolution ? 1.0 : Math.Pow((double)side / BaseResolution, 1.0 / (Levels - 1));
        int batch = pixels <= FitPlan.LargestBatch ? 0 : FitPlan.LargestBatch;
        long perStep = batch == 0 ? pixels : batch;
        int steps = (int)Math.Clamp(Math.Ceiling(20.0 * pixels / perStep), 500, 2000);
        int log2 = Math.Clamp((int)Math.Ceiling(Math.Log2(Math.Max(2, pixels))), MinLog2Table, MaxLog2Table);
        FieldConfig config;
        do
        {
            config = Build(signal, log2--, scale, batch, steps);
        }
        while (log2 >= MinLog2Table && MemoryEstimate.Of(config, signal, Math.Min(perStep, FitPlan.SmallestBatch)).Fixed > memoryBudget / 2);
        return config;
    }

    private static FieldConfig Build(SignalInfo signal, int log2Table, double scale, int batch, int steps)
    {
        var preset = Presets.Load("hashgrid");
        string size = string.Join("x", signal.Dimensions.Reverse());
        string batches = batch == 0 ? "the whole image every step" : $"random batches of {batch:N0}";
        return preset with
        {
            Description = string.Create(CultureInfo.InvariantCulture,
                $"auto for {size}: hash grid {Levels} levels x 2, 2^{log2Table} entries, finest level {signal.Dimensions.Max()} px (scale {scale:F3}), ReLU 2x64, {batches}, {steps} steps"),
            Encoding = ((HashGridConfig)preset.Encoding) with
            {
                NLevels = Levels,
                NFeaturesPerLevel = 2,
                Log2HashmapSize = log2Table,
                BaseResolution = BaseResolution,
                PerLevelScale = Math.Round(scale, 4),
            },
            Training = preset.Training with { Steps = steps, BatchSize = batch, EvalEvery = batch == 0 ? 50 : 25 },
        };
    }
}
