using System.Diagnostics;
using System.Globalization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Full-batch training steps of each preset on a 256x256 grayscale image: samples/s, matmul GFLOP/s
/// and their ratio to the fp32 matmul peak measured in the same run.
/// </summary>
internal static class TrainingBenchmark
{
    public static int Run(Arguments arguments)
    {
        Torch.EnsureLoaded();
        var (coordinates, targets, info, source) = LoadImage(arguments.Input);
        double peak = MatmulPeak.MeasureGflops();
        var presets = arguments.Presets.Length > 0 ? arguments.Presets : Presets.Names.ToArray();
        Console.WriteLine($"image: {source}, {info.Dimensions[1]}x{info.Dimensions[0]} gray, full batch ({info.SampleCount:N0} samples), {get_num_threads()} torch threads");
        Console.WriteLine($"fp32 matmul peak (torch.mm 4096^2): {peak:F1} GFLOP/s");
        Console.WriteLine();
        Console.WriteLine("| preset | parameters | s/step | samples/s | matmul GFLOP/step | GFLOP/s | % of peak |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var name in presets)
        {
            var config = Presets.Load(name) with { Training = Presets.Load(name).Training with { BatchSize = 0 } };
            Torch.Seed(0);
            var model = new FieldModel(config, info);
            using var trainer = new Trainer(model, coordinates, targets, 0);
            trainer.Run(new TrainingRun(2));                                           // warm-up: allocator, thread pool
            var clock = Stopwatch.StartNew();
            trainer.Run(new TrainingRun(2 + arguments.Steps));
            double perStep = clock.Elapsed.TotalSeconds / arguments.Steps;
            double gflop = TrainingMatmulFlops(model, info.SampleCount) / 1e9;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {model.ParameterCount:N0} | {perStep:F3} | {info.SampleCount / perStep:N0} | {gflop:F1} | {gflop / perStep:F1} | {100 * gflop / perStep / peak:F0}% |"));
        }
        return 0;
    }

    /// <summary>
    /// Matmul FLOPs of one training step: forward 2·N·in·out per linear layer, backward the same for
    /// the weight gradient and again for the input gradient (except the first layer, whose input needs none).
    /// </summary>
    public static double TrainingMatmulFlops(FieldModel model, long samples)
    {
        var linears = model.modules().OfType<Linear>().ToList();
        double total = 0;
        for (int i = 0; i < linears.Count; i++)
        {
            var w = linears[i].weight!;
            double layer = 2.0 * samples * w.shape[0] * w.shape[1];
            total += layer * (i == 0 ? 2 : 3);
        }
        return total;
    }

    private static (Tensor, Tensor, SignalInfo, string) LoadImage(string? path)
    {
        const int size = 256;
        ImageSignal image;
        string source;
        if (path is not null)
        {
            image = ImageFile.Load(path, AlphaMode.Drop);
            source = path;
        }
        else
        {
            var values = new float[size * size];
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    values[y * size + x] = (float)(0.5 + 0.25 * Math.Sin(x * 0.11) + 0.25 * Math.Cos(y * 0.07 + x * 0.02));
            image = ImageSignal.FromValues(values, size, size, 1, 8);
            source = "synthetic";
        }
        if (image.Channels != 1) throw new NeuralFieldsException("the training benchmark wants a grayscale image");
        var coordinates = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        var targets = tensor(image.Values()).reshape(-1, 1);
        return (coordinates, targets, image.Info, source);
    }
}
