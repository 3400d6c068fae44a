using System.Text.Json;
using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Tests;

public sealed class ExperimentCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-experiment-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Images(params (string Name, int Width, int Height)[] images)
    {
        var folder = Path.Combine(_folder, "images");
        Directory.CreateDirectory(folder);
        foreach (var (name, w, h) in images)
            ImageFile.SavePng(Path.Combine(folder, name), RestorationCommandTests.Smooth(w, h, phase: name.Length));
        return folder;
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
        string[] args = ["experiment", "superres", "--images", images, "--presets", "relu-pe", "--scale", "2,4", "--steps", "15", "--out", outDir];
        var run = Nf.Run(args);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("12 cells (0 reused", run.Out);
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

        var rerun = Nf.Run(args);
        Assert.True(rerun.ExitCode == 0, rerun.Error);
        Assert.Contains("12 cells (11 reused", rerun.Out);
        Assert.True(File.Exists(lost));
        Assert.Equal(keptTime, File.GetLastWriteTimeUtc(kept));
        Assert.Equal(keptText, File.ReadAllText(kept));
        AssertReportHoldsEveryMethod(outDir, ["bicubic", "lanczos3", "relu-pe"], 12, missing: false);

        // Another budget is another experiment: the preset cells run again, the baselines are reused.
        var other = Nf.Run([.. args[..^3], "16", "--out", outDir]);
        Assert.True(other.ExitCode == 0, other.Error);
        Assert.Contains("12 cells (8 reused", other.Out);
    }

    [Fact]
    public void Inpaint_experiment_scores_the_missing_pixels_for_every_mask()
    {
        var images = Images(("c.png", 16, 16));
        var outDir = Path.Combine(_folder, "ip");
        var run = Nf.Run("experiment", "inpaint", "--images", images, "--presets", "relu-pe", "--masks", "random:0.5,box,strokes", "--steps", "15", "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Error);
        AssertReportHoldsEveryMethod(outDir, ["nearest", "harmonic", "relu-pe"], 9, missing: true);
        foreach (var setting in new[] { "random-0.5", "box-0.5", "strokes-6" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, "inputs", $"c-{setting}-mask.png")));
            Assert.True(File.Exists(Path.Combine(outDir, "crops", $"c-{setting}.png")));
        }
        Assert.Contains("harmonic", run.Out);   // the verdict names the reference
    }
}
