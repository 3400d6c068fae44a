using System.Diagnostics;
using System.Globalization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Steps;
using NeuralFields.Fitting.Planning;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// The fused CPU training step against TorchSharp, all in one run: the hash-grid step at 65,536 samples (fused,
/// the TorchSharp step with the C# grid kernels, the plainest TorchSharp grid), SIREN 3x256 as a fraction of the
/// fp32 matmul peak measured here, and time to 30 and 40 dB with nf fit's defaults on each image given.
/// </summary>
internal static class FusedBenchmark
{
    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public static int Run(Arguments arguments)
    {
        Torch.EnsureLoaded();
        Console.WriteLine(F($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()} ({Environment.ProcessorCount} cores, {get_num_threads()} torch threads)"));
        // --presets hashgrid,siren picks the sections (both by default), e.g. to profile one of them.
        bool Section(string name) => arguments.Presets.Length == 0 || arguments.Presets.Contains(name);
        if (Section("hashgrid")) HashGridStep(arguments.StepsGiven ?? 20);
        if (arguments.Presets.Contains("phases")) FusedPhases(arguments.StepsGiven ?? 20);
        if (arguments.Presets.Contains("tables")) LargeTables(arguments.StepsGiven ?? 10);
        if (Section("siren")) Siren(arguments.StepsGiven ?? 5);
        double budget = arguments.Seconds ?? 120;
        foreach (var path in arguments.Inputs)
            foreach (int crop in arguments.Crops.Length > 0 ? arguments.Crops : [0])
                TimeToTargets(path, crop, budget);
        return 0;
    }

    /// <summary>The step benchmark's model: the hashgrid preset with T = 2^19 (16 levels x 2, ReLU 2x64, sigmoid).</summary>
    private static FieldConfig StepConfig(string implementation)
    {
        var preset = Presets.Load("hashgrid");
        return preset with
        {
            Encoding = ((HashGridConfig)preset.Encoding) with { Log2HashmapSize = 19 },
            Training = preset.Training with { Implementation = implementation, BatchSize = 0 },
        };
    }

    private static void HashGridStep(int steps)
    {
        var info = new SignalInfo("image", [256, 256], 1, 8);
        using var x = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        using var y = rand(65536, 1, generator: new Generator(1));
        Console.WriteLine("\nhash-grid training step, 65,536 samples, 16 levels x 2 features, T = 2^19, ReLU 2x64, sigmoid, Adam:");
        var perStep = new Dictionary<string, double>();
        foreach (var implementation in new[] { "fused", "torch" })
        {
            Torch.Seed(0);
            var model = new FieldModel(StepConfig(implementation), info);
            using var trainer = new Trainer(model, x, y, 0);
            trainer.Run(new TrainingRun(5));
            var clock = Stopwatch.StartNew();
            trainer.Run(new TrainingRun(5 + steps));
            perStep[implementation] = 1000 * clock.Elapsed.TotalSeconds / steps;
            Console.WriteLine(F($"  {implementation,-6} ({trainer.StepImplementation} step): {perStep[implementation],7:F1} ms/step, {65536 / perStep[implementation] / 1000:F2} M samples/s ({model.ParameterCount:N0} parameters)"));
        }
        FusedPhases(steps);
        perStep["plain"] = PlainStep(x, y, Math.Max(3, steps / 4));
        Console.WriteLine(F($"  plain TorchSharp grid (gather + weighted sum + nn.Linear + torch.optim.Adam): {perStep["plain"],7:F1} ms/step"));
        Console.WriteLine(F($"  fused is {perStep["torch"] / perStep["fused"]:F2}x the TorchSharp step and {perStep["plain"] / perStep["fused"]:F2}x the plain grid; goal <= 20 ms"));
    }

    /// <summary>Where a fused step's time goes: the tiled forward+backward pass and Adam.</summary>
    private static void FusedPhases(int steps)
    {
        var info = new SignalInfo("image", [256, 256], 1, 8);
        using var x = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        using var y = rand(65536, 1, generator: new Generator(1));
        Torch.Seed(0);
        var model = new FieldModel(StepConfig("fused"), info);
        using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, 1.0)), 0.9, 0.99, 1e-15);
        using var step = new FusedTrainingStep(model, adam);
        double forward = 0, compute = 0, update = 0;
        for (int i = 0; i < 5 + steps; i++)
        {
            var clock = Stopwatch.StartNew();
            step.Compute(x, y, backward: false, keepOutputs: false);
            double f = clock.Elapsed.TotalMilliseconds;
            step.Compute(x, y, backward: true, keepOutputs: false);
            double c = clock.Elapsed.TotalMilliseconds;
            step.Update(1e-2);
            if (i >= 5) { forward += f; compute += c - f; update += clock.Elapsed.TotalMilliseconds - c; }
        }
        Console.WriteLine(F($"  fused phases: forward alone {forward / steps:F1} ms; forward+backward {compute / steps:F1} ms, Adam {update / steps:F1} ms ({step.Network.Lanes}, tiles of {step.Network.TileRows})"));
    }

    /// <summary>
    /// Whether Adam over the whole table is worth replacing by a touched-rows Adam: with nf fit's default model for
    /// photos of several sizes (random batches of 2^18), the fused step's compute and Adam times, and the share of
    /// table entries a batch gives a gradient at all. A touched-rows Adam can save at most the Adam time of the
    /// untouched share, and pays random access for the touched one.
    /// </summary>
    private static void LargeTables(int steps)
    {
        Console.WriteLine("\nlarge tables: nf fit's default model, random batches of 262,144, fused step:");
        foreach (var (width, height) in new[] { (768, 512), (2304, 1536), (4000, 3000) })
        {
            var info = new SignalInfo("image", [height, width], 3, 8);
            var config = AutoConfig.For(info, 16L << 30);
            config = config with { Training = config.Training with { Implementation = "fused" } };
            Torch.Seed(0);
            var model = new FieldModel(config, info);
            var generator = new Generator(1);
            using var x = (rand(262_144, 2, generator: generator) * 2 - 1);
            using var y = rand(262_144, 3, generator: generator);
            using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, 1.0)), 0.9, 0.99, 1e-15);
            using var step = new FusedTrainingStep(model, adam);
            // Gradients come in Adam's parameter order, which is the model's: the encoding's table first.
            var named = model.named_parameters().ToList();
            int tableIndex = named.FindIndex(p => p.name.StartsWith(FieldLayout.EncodingPrefix + ".", StringComparison.Ordinal));
            var table = named[tableIndex].parameter;
            double compute = 0, update = 0, touched = 0, lines = 0;
            for (int i = 0; i < 2 + steps; i++)
            {
                var clock = Stopwatch.StartNew();
                step.Compute(x, y, backward: true, keepOutputs: false);
                double c = clock.Elapsed.TotalMilliseconds;
                if (i >= 2)
                {
                    using var gradient = step.Gradients[tableIndex].reshape(-1);
                    using var nonzero = gradient.ne(0);
                    using var count = nonzero.sum();
                    touched += count.item<long>() / (double)gradient.numel();
                    // 64-byte cache lines (16 floats) holding any touched entry: what a touched-rows Adam still reads and writes.
                    long whole = gradient.numel() / 16 * 16;
                    using var perLine = nonzero.narrow(0, 0, whole).reshape(-1, 16).any(1).sum();
                    lines += perLine.item<long>() / (double)(whole / 16);
                }
                clock.Restart();
                step.Update(1e-2);
                if (i >= 2) { compute += c; update += clock.Elapsed.TotalMilliseconds; }
            }
            long entries = table.numel();
            Console.WriteLine(F($"  {width}x{height} (2^{((HashGridConfig)config.Encoding).Log2HashmapSize} per level, {entries:N0} table entries): compute {compute / steps:F1} ms, Adam {update / steps:F1} ms ({100 * update / (compute + update):F0}% of the step); a batch touches {100 * touched / steps:F1}% of the entries and {100 * lines / steps:F1}% of their 64-byte cache lines"));
            model.Dispose();
        }
    }

    private static double PlainStep(Tensor x, Tensor y, int steps)
    {
        Torch.Seed(0);
        var config = (HashGridConfig)StepConfig("torch").Encoding;
        using var model = new PlainHashGrid(config, 2, 64, 1);
        using var optimizer = optim.Adam(model.parameters(), 1e-2, 0.9, 0.99, 1e-15);
        double total = 0;
        for (int i = 0; i < 2 + steps; i++)
        {
            var clock = Stopwatch.StartNew();
            PlainUpdate(model, optimizer, x, y);
            if (i >= 2) total += clock.Elapsed.TotalMilliseconds;
        }
        return total / steps;
    }

    private static double PlainUpdate(PlainHashGrid model, optim.Optimizer optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.mse_loss(model.forward(x), y);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    private static void Siren(int steps)
    {
        double peak = MatmulPeak.MeasureGflops();
        Console.WriteLine(F($"\nfp32 matmul peak (torch.mm 4096^2): {peak:F1} GFLOP/s"));
        var info = new SignalInfo("image", [256, 256], 1, 8);
        using var x = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        using var y = rand(65536, 1, generator: new Generator(2));
        Console.WriteLine("\nSIREN 3x256, full batch 256x256 (65,536 samples), Adam:");
        foreach (var implementation in new[] { "fused", "torch" })
        {
            var preset = Presets.Load("siren");
            var config = preset with { Training = preset.Training with { Implementation = implementation, BatchSize = 0 } };
            Torch.Seed(0);
            var model = new FieldModel(config, info);
            using var trainer = new Trainer(model, x, y, 0);
            trainer.Run(new TrainingRun(2));
            var clock = Stopwatch.StartNew();
            trainer.Run(new TrainingRun(2 + steps));
            double perStep = clock.Elapsed.TotalSeconds / steps;
            double gflop = TrainingBenchmark.TrainingMatmulFlops(model, info.SampleCount) / 1e9;
            Console.WriteLine(F($"  {implementation,-6}: {perStep:F3} s/step, {gflop / perStep:F1} GFLOP/s = {100 * gflop / perStep / peak:F0}% of the matmul peak (goal 60%)"));
        }
    }

    /// <summary>Seconds to 30 and 40 dB with nf fit's default model for the image: fused, TorchSharp step, and the plain grid where the image fits one batch.</summary>
    private static void TimeToTargets(string path, int crop, double budget)
    {
        var image = BenchmarkImages.Crop(ImageFile.Load(path, AlphaMode.Drop), crop);
        var config = AutoConfig.For(image.Info, 16L << 30);
        Console.WriteLine(F($"\n{Path.GetFileName(path)} {image.Width}x{image.Height}, {image.Channels} channel(s): {config.Description}; at most {budget:F0} s per run"));
        using var x = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        using var y = tensor(image.Values()).reshape(-1, image.Channels);
        var reached = new Dictionary<string, (double At30, double At40)>();
        foreach (var implementation in new[] { "fused", "torch" })
        {
            Torch.Seed(0);
            var model = new FieldModel(config with { Training = config.Training with { Implementation = implementation } }, image.Info);
            using var trainer = new Trainer(model, x, y, 0);
            var outcome = trainer.Run(new TrainingRun(config.Training.Steps) { TargetPsnr = 40, TimeBudget = budget });
            double At(double target) => trainer.Curve.FirstOrDefault(p => p.Psnr >= target)?.Seconds ?? double.NaN;
            reached[implementation] = (At(30), At(40));
            Console.WriteLine(F($"  {implementation,-6}: 30 dB at {Seconds(At(30))}, 40 dB at {Seconds(At(40))}; {outcome.Steps} steps, {outcome.Psnr:F2} dB after {outcome.Seconds:F1} s"));
        }
        if (config.Training.BatchSize == 0)
        {
            var (at30, at40, steps, psnr, seconds) = PlainToTargets(config, image.Channels, x, y, budget);
            reached["plain"] = (at30, at40);
            Console.WriteLine(F($"  plain : 30 dB at {Seconds(at30)}, 40 dB at {Seconds(at40)}; {steps} steps, {psnr:F2} dB after {seconds:F1} s (constant learning rate)"));
            // A plain run that never got there bounds the ratio from below by the time it ran.
            string plainRatio = double.IsNaN(at30) ? F($"more than {seconds / reached["fused"].At30:F1}x") : F($"{at30 / reached["fused"].At30:F1}x");
            Console.WriteLine(F($"  30 dB: fused {plainRatio} sooner than the plain grid (goal 8x), {reached["torch"].At30 / reached["fused"].At30:F1}x sooner than the TorchSharp step"));
        }
        else
            Console.WriteLine(F($"  30 dB: fused {reached["torch"].At30 / reached["fused"].At30:F1}x sooner than the TorchSharp step"));
    }

    private static (double At30, double At40, int Steps, double Psnr, double Seconds) PlainToTargets(FieldConfig config, int channels, Tensor x, Tensor y, double budget)
    {
        Torch.Seed(0);
        var mlp = (MlpConfig)config.Network;
        using var model = new PlainHashGrid((HashGridConfig)config.Encoding, mlp.HiddenLayers, mlp.Width, channels);
        var t = config.Training;
        using var optimizer = optim.Adam(model.parameters(), t.LearningRate, t.Beta1, t.Beta2, t.Epsilon);
        double at30 = double.NaN, at40 = double.NaN, psnr = 0;
        var clock = Stopwatch.StartNew();
        int step = 0;
        while (step < t.Steps && clock.Elapsed.TotalSeconds < budget && double.IsNaN(at40))
        {
            psnr = NeuralFields.Core.Metrics.Psnr.FromMse(PlainUpdate(model, optimizer, x, y));
            step++;
            if (double.IsNaN(at30) && psnr >= 30) at30 = clock.Elapsed.TotalSeconds;
            if (psnr >= 40) at40 = clock.Elapsed.TotalSeconds;
        }
        return (at30, at40, step, psnr, clock.Elapsed.TotalSeconds);
    }

    private static string Seconds(double s) => double.IsNaN(s) ? "not reached" : F($"{s:F1} s");
}
