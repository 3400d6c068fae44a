using System.Diagnostics;
using System.Globalization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Hash grid against SIREN in one run: the time of one training step at 65,536 samples (native C#
/// kernels and the TorchSharp gather/index_add reference), and wall time to 30 dB on an image.
/// </summary>
internal static class HashGridBenchmark
{
    public static int Run(Arguments arguments)
    {
        Torch.EnsureLoaded();
        StepTime();
        foreach (var input in arguments.Inputs)
            TimeToPsnr(input, arguments.Crops.Length > 0 ? arguments.Crops[0] : 0, 30, arguments.Steps);
        return 0;
    }

    private static void StepTime()
    {
        var info = new SignalInfo("image", [256, 256], 1, 8);
        using var x = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        using var y = rand(65536, 1);
        Console.WriteLine("one full-batch training step, 65,536 samples, hash grid 16 levels x 2 features, ReLU 2x64:");
        EncodingOnly(x);
        Phases(info, x, y);
        foreach (var implementation in new[] { "native", "torch" })
        {
            var config = StepConfig(implementation);
            Torch.Seed(0);
            var model = new FieldModel(config, info);
            using var trainer = new Trainer(model, x, y, 0);
            trainer.Run(new TrainingRun(10));
            const int steps = 20;
            var clock = Stopwatch.StartNew();
            trainer.Run(new TrainingRun(10 + steps));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {implementation,-6}: {1000 * clock.Elapsed.TotalSeconds / steps:F1} ms/step ({model.ParameterCount:N0} parameters, T = 2^19)"));
        }
    }

    /// <summary>The step benchmark's model: the `hashgrid` preset with T = 2^19 and the given encoding implementation.</summary>
    private static FieldConfig StepConfig(string implementation)
    {
        var config = Presets.Load("hashgrid");
        return config with
        {
            Encoding = ((HashGridConfig)config.Encoding) with { Implementation = implementation, Log2HashmapSize = 19 },
            Training = config.Training with { Implementation = "torch" },   // this benchmark compares the TorchSharp step's grid kernels; nf-bench fused times the fused step
        };
    }

    /// <summary>Where a native step's time goes: forward (encoding + MLP + head), loss backward, Adam.</summary>
    private static void Phases(SignalInfo info, Tensor x, Tensor y)
    {
        var config = StepConfig("native");
        Torch.Seed(0);
        var model = new FieldModel(config, info);
        using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, 1.0)), 0.9, 0.99, 1e-15);
        double forward = 0, backward = 0, update = 0;
        const int warmup = 10, steps = 20;
        for (int i = 0; i < warmup + steps; i++)
        {
            using var scope = NewDisposeScope();
            adam.ZeroGrad();
            var clock = Stopwatch.StartNew();
            var loss = model.Head.Loss(model.forward(x), y);
            double f = clock.Elapsed.TotalMilliseconds;
            loss.backward();
            double b = clock.Elapsed.TotalMilliseconds;
            adam.Update(1e-2);
            double u = clock.Elapsed.TotalMilliseconds;
            if (i >= warmup) { forward += f; backward += b - f; update += u - b; }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  native step phases: forward {forward / steps:F1} ms, backward {backward / steps:F1} ms, Adam {update / steps:F1} ms"));
    }

    /// <summary>The encoding's forward and backward alone, to see what share of a step they take.</summary>
    private static void EncodingOnly(Tensor x)
    {
        var config = (HashGridConfig)StepConfig("native").Encoding;
        var grid = new NeuralFields.Core.Encodings.HashGridEncoding(config, 2);
        using var w = randn(x.shape[0], grid.OutputDims);
        double forward = 0, total = 0;
        for (int i = 0; i < 22; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            var y = grid.forward(x);
            double f = clock.Elapsed.TotalSeconds;
            (y * w).sum().backward();
            if (i >= 12) { forward += f; total += clock.Elapsed.TotalSeconds; }
            grid.parameters().First().grad = null;   // as the trainer does: the next backward assigns, not adds
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  encoding alone (native): forward {100 * forward:F1} ms, forward+backward {100 * total:F1} ms"));
        RawKernels(x, config);
    }

    /// <summary>The C# kernels on plain buffers, without autograd or tensor allocation around them.</summary>
    private static unsafe void RawKernels(Tensor x, HashGridConfig config)
    {
        var layout = new NeuralFields.Core.Encodings.HashGrid.HashGridLayout(config, 2);
        float[] coords = x.data<float>().ToArray();
        long n = coords.Length / 2;
        var random = new Random(0);
        float[] table = new float[(long)layout.TotalEntries * layout.Features];
        for (int i = 0; i < table.Length; i++) table[i] = random.NextSingle();
        float[] features = new float[n * layout.OutputDims], gradient = new float[table.Length];
        double forward = 0, backward = 0;
        fixed (float* c = coords, t = table, f = features, g = gradient)
        {
            for (int i = 0; i < 30; i++)
            {
                var clock = Stopwatch.StartNew();
                NeuralFields.Core.Encodings.HashGrid.HashGridKernels.Forward(layout, c, n, t, f);
                double a = clock.Elapsed.TotalMilliseconds;
                NeuralFields.Core.Encodings.HashGrid.HashGridKernels.Backward(layout, c, n, f, g);
                if (i >= 10) { forward += a; backward += clock.Elapsed.TotalMilliseconds - a; }
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  encoding kernels on raw buffers: forward {forward / 20:F1} ms, backward {backward / 20:F1} ms"));
    }

    private static void TimeToPsnr(string path, int crop, double target, int maxSteps)
    {
        var image = BenchmarkImages.Crop(ImageFile.Load(path, AlphaMode.Drop), crop);
        Console.WriteLine($"\ntime to {target} dB on {Path.GetFileName(path)} ({image.Width}x{image.Height}, {image.Channels} channel(s)), full batch:");
        using var x = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        using var y = tensor(image.Values()).reshape(-1, image.Channels);
        var seconds = new Dictionary<string, double>();
        foreach (var preset in new[] { "hashgrid", "siren" })
        {
            Torch.Seed(0);
            var model = new FieldModel(Presets.Load(preset), image.Info);
            using var trainer = new Trainer(model, x, y, 0);
            int limit = preset == "siren" ? Math.Max(maxSteps, 3000) : Math.Max(maxSteps, 2000);
            var outcome = trainer.Run(new TrainingRun(limit) { TargetPsnr = target });
            seconds[preset] = outcome.ReachedTarget ? outcome.Seconds : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {preset,-9}: {(outcome.ReachedTarget ? $"{outcome.Seconds:F1} s, {outcome.Steps} steps" : $"not reached in {outcome.Steps} steps ({outcome.Psnr:F2} dB, {outcome.Seconds:F1} s)")}"));
            foreach (var point in trainer.Curve.Where((_, i) => i % Math.Max(1, trainer.Curve.Count / 8) == 0))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {point.Seconds,7:F1} s  step {point.Step,5}  {point.Psnr:F2} dB"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  SIREN time / hash grid time: {seconds["siren"] / seconds["hashgrid"]:F1}x"));
    }
}
