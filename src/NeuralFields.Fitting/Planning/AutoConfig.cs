using System.Globalization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Fitting.Planning;

/// <summary>
/// The default model of `nf fit` for images and clips: instant-ngp's image setup (hash grid of 16 levels × 2 features,
/// ReLU 2×64, sigmoid, Adam 1e-2 with β2 0.99) with its capacity chosen from the signal: the finest level at about one
/// cell per pixel of the longer side (per sample of a clip), the table near the number of samples (2^14 to 2^22 entries
/// per level, smaller when the memory budget needs it), the whole signal per step up to 2^18 samples and random batches
/// of 2^18 above, and enough steps to see every sample about 20 times (an image) or 5 times (a clip), 500 to 2,000.
/// </summary>
public static class AutoConfig
{
    public const string Name = "auto";

    public const int Levels = 16, BaseResolution = 16, MinLog2Table = 14, MaxLog2Table = 22;

    /// <summary>
    /// Passes over the samples the steps are sized for. A clip takes fewer: a 10-minute one (26.5 M samples) was at 41 dB
    /// after 1.7 passes, and 20 would take 23 minutes.
    /// </summary>
    public static double Passes(SignalInfo signal) => signal.Modality == "audio" ? 5 : 20;

    /// <summary>The signals this sizing is for: images and clips.</summary>
    public static bool Sizes(SignalInfo signal) => signal.Modality is "image" or "audio";

    public static FieldConfig For(SignalInfo signal, long memoryBudget)
    {
        long samples = signal.SampleCount;
        int side = signal.Dimensions.Max();
        double scale = side <= BaseResolution ? 1.0 : Math.Pow((double)side / BaseResolution, 1.0 / (Levels - 1));
        int batch = samples <= FitPlan.LargestBatch ? 0 : FitPlan.LargestBatch;
        long perStep = batch == 0 ? samples : batch;
        int steps = (int)Math.Clamp(Math.Ceiling(Passes(signal) * samples / perStep), 500, 2000);
        int log2 = Math.Clamp((int)Math.Ceiling(Math.Log2(Math.Max(2, samples))), MinLog2Table, MaxLog2Table);
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
        bool image = signal.Dimensions.Length == 2;
        string size = image ? string.Join("x", signal.Dimensions.Reverse()) : string.Create(CultureInfo.InvariantCulture, $"{signal.SampleCount:N0} samples");
        string finest = string.Create(CultureInfo.InvariantCulture, $"{signal.Dimensions.Max()} {(image ? "px" : "samples")}");
        string batches = batch == 0 ? $"the whole {(image ? "image" : "signal")} every step" : $"random batches of {batch:N0}";
        return preset with
        {
            Description = string.Create(CultureInfo.InvariantCulture,
                $"auto for {size}: hash grid {Levels} levels x 2, 2^{log2Table} entries, finest level {finest} (scale {scale:F3}), ReLU 2x64, {batches}, {steps} steps"),
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
