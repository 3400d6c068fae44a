using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralFields.Cli.Jobs;
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
            if (names.Length == 0) throw new NeuralFieldsException("--presets names no preset");
            var configs = names.Select(n => (Name: n, Config: Presets.Load(n))).ToList();   // fail on a bad name before any work
            var outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", "compare-" + Path.GetFileNameWithoutExtension(imageFile.Name));

            using var staging = new StagingDirectory(outDir);
            var results = new List<ImageFitResult>();
            foreach (var (name, config) in configs)
            {
                var request = new ImageFitRequest(imageFile.FullName, config, name, budget, null, parse.GetValue(seed),
                    Path.Combine(staging.Folder, name), Signals.Image.AlphaMode.Keep, parse.GetValue(maxPixels), null);
                results.Add(ImageFit.Run(request, (total, work) => ConsoleProgress.Show($"{imageFile.Name} {name}", total, work), cancel));
                cancel.ThrowIfCancellationRequested();
            }
            string table = MarkdownTable(imageFile.Name, budget, parse.GetValue(seed), names, results);
            AtomicFile.WriteAllText(staging.PathOf("compare.md"), table);
            AtomicFile.WriteAllText(staging.PathOf("compare.json"), Json(names, results));
            Plots.Lines(staging.PathOf("curves.png"), $"{imageFile.Name}: PSNR against step ({budget} steps, seed {parse.GetValue(seed)})",
                "step", "PSNR (dB)",
                names.Zip(results, (n, r) => new Plots.Series(n, r.Curve.Select(c => (double)c.Step).ToArray(), r.Curve.Select(c => c.Psnr).ToArray())).ToList());
            staging.Commit();
            Console.WriteLine();
            Console.WriteLine(table);
            Console.WriteLine($"-> {outDir}");
            return 0;
        })));
        return command;
    }

    private static string MarkdownTable(string image, int steps, long seed, IReadOnlyList<string> names, IReadOnlyList<ImageFitResult> results)
    {
        var text = new StringBuilder();
        var first = results[0];
        text.AppendLine(CultureInfo.InvariantCulture, $"# {image}: {first.Width}x{first.Height}, {first.Channels} channel(s), {first.BitDepth}-bit; {steps} steps, seed {seed}");
        text.AppendLine();
        text.AppendLine("| preset | PSNR (dB) | SSIM | parameters | seconds | samples/s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, r) in names.Zip(results))
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {r.Psnr:F2} | {r.Ssim:F4} | {r.Parameters:N0} | {r.Seconds:F1} | {r.SamplesPerSecond:N0} |");
        return text.ToString();
    }

    private static string Json(IReadOnlyList<string> names, IReadOnlyList<ImageFitResult> results)
    {
        var rows = new JsonArray(names.Zip(results, (n, r) => (JsonNode)new JsonObject
        {
            ["preset"] = n,
            ["psnr"] = double.IsFinite(r.Psnr) ? Math.Round(r.Psnr, 4) : null,
            ["ssim"] = Math.Round(r.Ssim, 6),
            ["parameters"] = r.Parameters,
            ["seconds"] = Math.Round(r.Seconds, 3),
            ["samples_per_second"] = Math.Round(r.SamplesPerSecond),
            ["steps"] = r.Steps,
            ["curve"] = new JsonArray(r.Curve.Select(c => (JsonNode)new JsonArray(c.Step, Math.Round(c.Psnr, 4))).ToArray()),
        }).ToArray());
        return new JsonObject { ["image"] = results[0].Image, ["results"] = rows }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
