using System.CommandLine;
using NeuralFields.Fitting.Experiments;
using NeuralFields.Cli.Output;
using NeuralFields.Core.Models;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Commands;

/// <summary>
/// `nf experiment superres|inpaint --images DIR`: degrade every image itself (area downsampling, or
/// seeded masks), restore it with every preset and the classic baselines, and write results.json,
/// results.md, crops, plots and report.html. Finished cells are saved at once and reused on a rerun.
/// </summary>
internal static class ExperimentCommand
{
    private const string DefaultPresets = "relu-pe,relu-rff,siren";

    public static Command Create() => new("experiment", "Super-resolution and inpainting experiments: every preset against classic baselines on a folder of images, with a report")
    {
        Subcommand("superres", "Downsample each image by area (box filter) and enlarge it back: presets against bicubic and Lanczos3",
            new Option<string>("--scale") { Description = "Comma-separated whole-number scales", DefaultValueFactory = _ => "2,4" },
            text => new SuperResolutionTask(Split(text, "--scale").Select(s => SuperResCommand.ParseScale(s)).Distinct().ToArray())),
        Subcommand("inpaint", "Hide pixels of each image with seeded masks and fill them: presets against nearest and harmonic fill",
            new Option<string>("--masks") { Description = $"Comma-separated masks: {MaskSpec.Syntax}", DefaultValueFactory = _ => "random:0.5,box,strokes" },
            text => new InpaintingTask(Split(text, "--masks").Select(MaskSpec.Parse).DistinctBy(m => m.Slug).ToArray())),
    };

    private static Command Subcommand(string name, string description, Option<string> settings, Func<string, RestorationTask> makeTask)
    {
        var images = new Option<DirectoryInfo>("--images", "-i") { Description = "Folder of full-size images (its PNG, JPEG, BMP, TIFF, TGA, WebP, GIF, PBM files, sorted by name)", Required = true };
        var presets = new Option<string>("--presets", "-p") { Description = "Comma-separated preset names; auto is nf fit's default, sized for each input", DefaultValueFactory = _ => DefaultPresets };
        var steps = CommonOptions.Steps();
        var seed = CommonOptions.Seed();
        var crop = new Option<int?>("--crop") { Description = "Centre-crop every image to at most N x N pixels first [default: no crop]" };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N images [default: all]" };
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = $"Output folder; rerunning into it reuses finished cells [default: runs/experiment-{name}]" };
        var command = new Command(name, description) { images, presets, settings, steps, seed, crop, limit, output };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            // Everything is checked before the output folder is touched.
            CommonOptions.RequirePositive(parse.GetValue(steps), "--steps");
            CommonOptions.RequirePositive(parse.GetValue(crop), "--crop");
            CommonOptions.RequirePositive(parse.GetValue(limit), "--limit");
            var task = makeTask(parse.GetValue(settings)!);
            var presetList = ExperimentInputs.LoadPresets(Split(parse.GetValue(presets)!, "--presets"), task);
            var imageList = ExperimentInputs.LoadImages(parse.GetValue(images)!.FullName, parse.GetValue(crop), parse.GetValue(limit));
            var outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", $"experiment-{name}");
            var plan = ExperimentInputs.Plan(task, imageList, presetList, parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(crop), outDir);

            Directory.CreateDirectory(plan.OutDir);
            var outcome = ExperimentProgress.Show($"{name} experiment", plan.CellCount, progress => ExperimentRunner.Run(plan, progress, cancel));
            var summary = ExperimentReport.Write(plan, outcome);
            Console.WriteLine();
            Console.WriteLine($"{plan.CellCount} cells ({outcome.Reused} reused from an earlier run)");
            foreach (var verdict in summary.Verdicts) Console.WriteLine(verdict.Sentence(summary.ScoreName));
            Console.WriteLine($"-> {Path.Combine(plan.OutDir, ExperimentReport.Html)}");
            return 0;
        })));
        return command;
    }

    private static string[] Split(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length > 0 ? parts : throw new NeuralFieldsException($"{option} names nothing");
    }
}
