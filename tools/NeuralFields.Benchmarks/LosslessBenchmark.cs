using System.Globalization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Steps and seconds until a bit-plane model decodes every sample of an image exactly (the paper's
/// stop test: bit error rate 0, checked every step on the full image), per image and crop size.
/// </summary>
internal static class LosslessBenchmark
{
    public static int Run(Arguments arguments)
    {
        Torch.EnsureLoaded();
        var presets = arguments.Presets.Length > 0 ? arguments.Presets : ["lossless"];
        var crops = arguments.Crops.Length > 0 ? arguments.Crops : [64];
        int budget = arguments.StepsGiven ?? 5000;
        Console.WriteLine($"steps to lossless (every bit of every sample right), budget {budget} steps, seed 0, threads {get_num_threads()}");
        Console.WriteLine("paper (SIREN 5x512, 256x256): 8-bit 790 +- 109 iterations (Kodak 778 +- 83), 16-bit 3450 +- 877");
        Console.WriteLine();
        Console.WriteLine("| image | crop | bits | preset | parameters | steps to lossless | seconds | ms/step | wrong bits at the end (MSB..LSB) |");
        Console.WriteLine("|---|---|---:|---|---:|---:|---:|---:|---|");
        foreach (var file in BenchmarkImages.Files(arguments.Inputs))
            foreach (int crop in crops)
                foreach (var preset in presets)
                    Console.WriteLine(Measure(file, crop, preset, budget));
        return 0;
    }

    private static string Measure(string file, int crop, string preset, int budget)
    {
        var image = BenchmarkImages.Crop(ImageFile.Load(file, AlphaMode.Drop), crop);
        using var scope = NewDisposeScope();
        Torch.Seed(0);
        var model = new FieldModel(Presets.Load(preset), image.Info);
        var x = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        var y = tensor(image.Values()).reshape(-1, image.Channels);
        using var trainer = new Trainer(model, x, y, 0);
        var outcome = trainer.Run(new TrainingRun(budget) { UntilLossless = true });
        var first = trainer.BitErrors.FirstOrDefault(p => p.Exact);
        var last = trainer.BitErrors[^1];
        string steps = first is null ? $"not in {budget}" : first.Step.ToString(CultureInfo.InvariantCulture);
        string seconds = (first?.Seconds ?? outcome.Seconds).ToString("F1", CultureInfo.InvariantCulture);
        string wrong = string.Join(" ", last.Rates.Reverse().Select(r => r == 0 ? "0" : r.ToString("0.0e0", CultureInfo.InvariantCulture)));
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(file)} | {image.Width}x{image.Height}x{image.Channels} | {image.BitDepth} | {preset} | {model.ParameterCount:N0} | {steps} | {seconds} | {1000 * outcome.Seconds / Math.Max(1, outcome.Steps):F0} | {wrong} |");
    }
}
