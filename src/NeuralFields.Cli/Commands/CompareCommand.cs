using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralFields.Fitting.Comparison;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Sources;
using NeuralFields.Cli.Output;
using NeuralFields.Core.Models;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Cli.Commands;

/// <summary>
/// `nf compare IMAGE --presets a,b,c`: fits every preset on the same image with the same seed and
/// step budget and writes the table a paper would print (Markdown and JSON) and one plot of all curves.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "Image to fit with every preset" };
        var presets = new Option<string>("--presets") { Description = "Comma-separated preset names", DefaultValueFactory = _ => "relu,relu-pe,relu-rff,siren" };
        var steps = new Option<int>("--steps", "-n") { Description = "Training steps for every preset (the same budget)", DefaultValueFactory = _ => 300 };
        var seed = CommonOptions.Seed();
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "Output folder [default: runs/compare-<image name>]" };
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("compare", "Fit several presets on one image with the same seed and budget; write a table and a plot of every PSNR curve")
        {
            image, presets, steps, seed, output, maxPixels,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            var imageFile = parse.GetValue(image)!;
            int budget = parse.GetValue(steps);
            CommonOptions.RequirePositive(budget, "--steps");
            var names = parse.GetValue(presets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var configs = names.Select(n => (Name: n, Config: Presets.Load(n))).ToList();   // fail on a bad name before any work
            var outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", "compare-" + Path.GetFileNameWithoutExtension(imageFile.Name));
            var source = new ImageModality().Open(imageFile.FullName, new LoadOptions(MaxPoints: parse.GetValue(maxPixels)));
            var rows = PresetComparison.Run((ImageSource)source, configs, budget, parse.GetValue(seed), outDir, ConsoleProgress.Display, cancel);
            Console.WriteLine();
            Console.WriteLine(PresetComparison.MarkdownTable((ImageSource)source, budget, parse.GetValue(seed), rows));
            Console.WriteLine($"-> {outDir}");
            return 0;
        })));
        return command;
    }
}
