using System.Diagnostics;
using System.Globalization;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Latent;
using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Steps;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Where a latent-grid training step's time goes, on one image with the default preset and λ: the entropy model's
/// rate of every level (forward and backward) through the C# pass and through the TorchSharp reference, and the
/// whole step (straight-through rounding, full batch) on TorchSharp and split (grids on TorchSharp, synthesis fused).
/// Ratios come from one run.
/// </summary>
internal static class LatentStepBenchmark
{
    public static int Run(Arguments arguments)
    {
        if (arguments.Input is not string path)
        {
            Console.Error.WriteLine("usage: nf-bench latent-step IMAGE [--steps N]");
            return 2;
        }
        Core.Runtime.Torch.EnsureLoaded();
        var image = ImageFile.Load(path, AlphaMode.Drop);
        var info = image.Info;
        var preset = Presets.Load(LatentFileJob.DefaultPreset);
        var config = preset with { Encoding = ((LatentGridConfig)preset.Encoding).For(info.Dimensions) };
        using var coordinates = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        using var targets = tensor(image.Samples.Select(v => v / (float)info.MaxValue).ToArray()).reshape(-1, info.Channels);
        int steps = Math.Max(2, arguments.Steps);
        Console.WriteLine($"{Path.GetFileName(path)} ({info.Dimensions[1]}x{info.Dimensions[0]}), preset {LatentFileJob.DefaultPreset}, mean of {steps} steps after one warm-up:");

        using (var model = new FieldModel(config, info))
        {
            var encoding = (LatentGridEncoding)model.Encoding;
            double csharp = Mean(steps, () => Backward(encoding.Bits(encoding.Grids())));
            double reference = Mean(steps, () => Backward(ReferenceBits(encoding)));
            Console.WriteLine(Invariant($"  rate of every level, forward + backward: C# {csharp:F3} s, TorchSharp reference {reference:F3} s ({reference / csharp:F1}x)"));
        }
        var seconds = new Dictionary<string, double>();
        foreach (var implementation in new[] { "torch", "auto" })
        {
            Core.Runtime.Torch.Seed(0);
            using var model = new FieldModel(config, info);
            var encoding = (LatentGridEncoding)model.Encoding;
            encoding.Rounding = LatentRounding.StraightThrough;
            model.train();
            using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, model.LearningRateScale(p.name))), 0.9, 0.999, 1e-8);
            using var step = TrainingSteps.Create(model, adam, [new LatentRate(1e-3, info.SampleCount)], implementation);
            seconds[implementation] = Mean(steps, () =>
            {
                step.Compute(coordinates, targets, backward: true, keepOutputs: false);
                step.Update(1e-3);
            });
            Console.WriteLine(Invariant($"  whole step, {step.GetType().Name}: {seconds[implementation]:F3} s"));
        }
        Console.WriteLine(Invariant($"  split step against TorchSharp: {seconds["torch"] / seconds["auto"]:F2}x"));
        return 0;
    }

    /// <summary>Σ of the TorchSharp ARM's Laplace bits over every level: what <see cref="ArmRate"/> replaces.</summary>
    private static Tensor ReferenceBits(LatentGridEncoding encoding)
    {
        Tensor total = zeros(1);
        foreach (var grid in encoding.Grids())
        {
            var (mu, logScale) = encoding.Predict(grid);
            total = total + LatentGridEncoding.LaplaceBits(grid.reshape(-1), mu, logScale).sum();
        }
        return total;
    }

    private static void Backward(Tensor bits) => bits.sum().backward();

    /// <summary>Mean seconds of <paramref name="action"/> over <paramref name="count"/> runs after one warm-up, each in its own dispose scope.</summary>
    private static double Mean(int count, Action action)
    {
        double total = 0;
        for (int i = 0; i <= count; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            action();
            if (i > 0) total += clock.Elapsed.TotalSeconds;
        }
        return total / count;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
