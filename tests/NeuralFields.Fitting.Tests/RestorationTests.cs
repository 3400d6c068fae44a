using System.Text.Json;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Experiments;
using NeuralFields.Fitting.Restoration;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Tests;

/// <summary>Super-resolution and inpainting through the library: one field fitted and rendered, and whole experiments with their reports.</summary>
public sealed class RestorationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-restore-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A smooth colour pattern: something a small field fits in a few hundred steps.</summary>
    internal static ImageSignal Smooth(int width, int height, int channels = 3, double phase = 0)
    {
        var samples = new ushort[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    samples[(y * width + x) * channels + c] = (ushort)Math.Round(255 * (0.5 + 0.4 * Math.Sin(0.35 * x + 0.25 * y + 1.3 * c + phase)));
        return new ImageSignal(width, height, channels, 8, samples);
    }

    private string Images(params (string Name, int Width, int Height)[] images)
    {
        var folder = Path.Combine(_folder, "images");
        Directory.CreateDirectory(folder);
        foreach (var (name, w, h) in images)
            ImageFile.SavePng(Path.Combine(folder, name), Smooth(w, h, phase: name.Length));
        return folder;
    }

    private static ExperimentOutcome RunExperiment(RestorationTask task, string images, string preset, int steps, string outDir, out ExperimentPlan plan)
    {
        plan = ExperimentInputs.Plan(task, ExperimentInputs.LoadImages(images), ExperimentInputs.LoadPresets([preset], task), steps, seed: 0, crop: null, outDir);
        Directory.CreateDirectory(plan.OutDir);
        var outcome = ExperimentRunner.Run(plan, new Quiet(), CancellationToken.None);
        ExperimentReport.Write(plan, outcome);
        return outcome;
    }

    private sealed class Quiet : IExperimentObserver
    {
        public void OnStep(TrainingProgress progress) { }
        public void CellStarted(string cell) { }
        public void CellFinished(string summary, bool reused) { }
    }

    [Fact]
    public void Superres_renders_the_field_scale_times_larger()
    {
        var result = FieldRestoration.FitAndRender(Smooth(12, 10), known: null, Presets.Load("relu-pe"), steps: 20, seed: 0, 36, 30);
        Assert.Equal((36, 30, 3, 8), (result.Rendered.Width, result.Rendered.Height, result.Rendered.Channels, result.Rendered.BitDepth));
        Assert.Equal(20, result.Steps);
    }

    [Fact]
    public void Inpainting_fits_the_known_pixels_closely_and_fills_the_rest()
    {
        var truth = Smooth(16, 16);
        var known = SyntheticMasks.RandomPixels(16, 16, 0.6, 5);
        var result = FieldRestoration.FitAndRender(truth, known, Presets.Load("relu-rff"), steps: 100, seed: 0, 16, 16);
        Assert.Equal((int)known.KnownCount, result.TrainingPixels);

        var filled = result.Rendered;
        Assert.Equal((16, 16, 3, 8), (filled.Width, filled.Height, filled.Channels, filled.BitDepth));
        double knownError = 0, missingError = 0, blackError = 0;
        for (int p = 0; p < 256; p++)
            for (int c = 0; c < 3; c++)
            {
                double d = Math.Abs(filled.Samples[p * 3 + c] - truth.Samples[p * 3 + c]);
                if (known.Known[p]) knownError += d;
                else (missingError, blackError) = (missingError + d, blackError + truth.Samples[p * 3 + c]);
            }
        knownError /= 3 * known.KnownCount;
        Assert.True(knownError < 4, $"known pixels are off by {knownError:F2} levels on average");
        // The missing ones are rendered by the field, not left as the black the mask made them.
        Assert.True(missingError < 0.8 * blackError, $"missing pixels are off by {missingError / (3 * (256 - known.KnownCount)):F2} levels on average");
    }

    private static void AssertReportHoldsEveryMethod(string outDir, string[] methods, int cells, bool missing)
    {
        foreach (var file in new[] { "results.json", "results.md", "report.html" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(cells, results.Count);
        Assert.Equal(methods.Order(), results.Select(r => r.GetProperty("method").GetString()!).Distinct().Order());
        foreach (var r in results)
        {
            Assert.InRange(r.GetProperty("psnr").GetDouble(), 5, 99);
            Assert.InRange(r.GetProperty("ssim").GetDouble(), -1, 1);
            Assert.Equal(missing, r.GetProperty("psnr_missing").ValueKind == JsonValueKind.Number);
        }
        var markdown = File.ReadAllText(Path.Combine(outDir, "results.md"));
        var html = File.ReadAllText(Path.Combine(outDir, "report.html"));
        foreach (var method in methods)
        {
            Assert.Contains($"| {method}", markdown);
            Assert.Contains($"<td>{method}</td>", html);
        }
        Assert.DoesNotContain("http", html);   // viewable offline
        // Every image the page shows exists, by its relative path.
        foreach (var src in html.Split("src=\"").Skip(1).Select(s => s[..s.IndexOf('"')]))
            Assert.True(File.Exists(Path.Combine(outDir, Uri.UnescapeDataString(src))), $"{src} missing");
    }

    [Fact]
    public void Superres_experiment_writes_the_report_and_a_rerun_reuses_finished_cells()
    {
        var images = Images(("a.png", 16, 12), ("b.png", 17, 13));
        var outDir = Path.Combine(_folder, "sr");
        var task = new SuperResolutionTask([2, 4]);
        var first = RunExperiment(task, images, "relu-pe", 15, outDir, out var plan);
        Assert.Equal(12, plan.CellCount);
        Assert.Equal(0, first.Reused);
        AssertReportHoldsEveryMethod(outDir, ["bicubic", "lanczos3", "relu-pe"], 12, missing: false);
        foreach (var crop in new[] { "a-x2", "a-x4", "b-x2", "b-x4" })
        {
            var strip = ImageFile.Load(Path.Combine(outDir, "crops", crop + ".png"));
            Assert.Equal(5 * 16 + 4 * 4, strip.Width);   // truth, input, 3 methods; b is cropped to 16 wide
        }
        var bX4 = ImageFile.Load(Path.Combine(outDir, "cells", "b", "x4", "relu-pe.png"));
        Assert.Equal((16, 12), (bX4.Width, bX4.Height));   // 17x13 cropped to a multiple of 4
        Assert.True(File.Exists(Path.Combine(outDir, "plots", "x2.png")));

        // An interruption while b x4 relu-pe was training: its image may be there, its JSON not; a stray temp file too.
        string lost = Path.Combine(outDir, "cells", "b", "x4", "relu-pe.json");
        File.Delete(lost);
        File.WriteAllText(Path.Combine(outDir, "cells", "b", "x4", ".relu-pe.json.123.partial"), "{");
        File.Delete(Path.Combine(outDir, "report.html"));
        var kept = Path.Combine(outDir, "cells", "a", "x2", "relu-pe.json");
        var keptTime = File.GetLastWriteTimeUtc(kept);
        var keptText = File.ReadAllText(kept);

        var rerun = RunExperiment(task, images, "relu-pe", 15, outDir, out _);
        Assert.Equal(11, rerun.Reused);
        Assert.True(File.Exists(lost));
        Assert.Equal(keptTime, File.GetLastWriteTimeUtc(kept));
        Assert.Equal(keptText, File.ReadAllText(kept));
        AssertReportHoldsEveryMethod(outDir, ["bicubic", "lanczos3", "relu-pe"], 12, missing: false);

        // Another budget is another experiment: the preset cells run again, the baselines are reused.
        Assert.Equal(8, RunExperiment(task, images, "relu-pe", 16, outDir, out _).Reused);
    }

    [Fact]
    public void Inpaint_experiment_scores_the_missing_pixels_for_every_mask()
    {
        var images = Images(("c.png", 16, 16));
        var outDir = Path.Combine(_folder, "ip");
        var task = new InpaintingTask(new[] { "random:0.5", "box", "strokes" }.Select(MaskSpec.Parse).ToArray());
        RunExperiment(task, images, "relu-pe", 15, outDir, out _);
        AssertReportHoldsEveryMethod(outDir, ["nearest", "harmonic", "relu-pe"], 9, missing: true);
        foreach (var setting in new[] { "random-0.5", "box-0.5", "strokes-6" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, "inputs", $"c-{setting}-mask.png")));
            Assert.True(File.Exists(Path.Combine(outDir, "crops", $"c-{setting}.png")));
        }
    }
}
