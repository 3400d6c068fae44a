using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Output;
using NeuralFields.Fitting.Sources;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using static NeuralFields.Fitting.Output.MetricsJson;

namespace NeuralFields.Fitting.Comparison;

/// <summary>One preset's line of the comparison table.</summary>
public sealed record ComparisonRow(string Preset, double Psnr, double Ssim, long Parameters, double Seconds, double SamplesPerSecond, int Steps,
    IReadOnlyList<CurvePoint> Curve);

/// <summary>
/// Fits several presets on one image with the same seed and step budget, and writes the table a paper would print
/// (compare.md, compare.json), one plot of every PSNR curve (curves.png) and each preset's own run folder. The files
/// are rewritten (atomically) after every preset, so an interruption or a failing preset keeps what was finished.
/// </summary>
public static class PresetComparison
{
    public static IReadOnlyList<ComparisonRow> Run(ImageSource image, IReadOnlyList<(string Name, FieldConfig Config)> presets, int steps, long seed,
        string outDir, IProgressDisplay? progress = null, CancellationToken cancel = default)
    {
        if (presets.Count == 0) throw new NeuralFieldsException("--presets names no preset");
        Directory.CreateDirectory(outDir);
        var rows = new List<ComparisonRow>();
        foreach (var (name, config) in presets)
        {
            var options = new FitOptions { Steps = steps, Seed = seed, ConfigName = name };
            using var result = (progress ?? NoProgress.Instance).Show($"{image.Label} {name}", steps, observer => FieldFit.Run(image, config, options, observer, cancel));
            result.Save(Path.Combine(outDir, name), cancel);
            var reconstruction = (ImageReconstruction)result.Reconstruction;
            rows.Add(new ComparisonRow(name, reconstruction.Psnr!.Value, reconstruction.Ssim, result.Parameters, result.Seconds, result.SamplesPerSecond,
                result.Steps, result.Curve.ToList()));
            Write(image, steps, seed, outDir, rows);
        }
        return rows;
    }

    private static void Write(ImageSource image, int steps, long seed, string outDir, IReadOnlyList<ComparisonRow> rows)
    {
        AtomicFile.WriteAllText(Path.Combine(outDir, "compare.md"), MarkdownTable(image, steps, seed, rows));
        AtomicFile.WriteAllText(Path.Combine(outDir, "compare.json"), Json(image, rows));
        Plots.Lines(Path.Combine(outDir, "curves.png"), $"{image.Label}: PSNR against step ({steps} steps, seed {seed})", "step", "PSNR (dB)",
            rows.Select(r => new Plots.Series(r.Preset, r.Curve.Select(c => (double)c.Step).ToArray(), r.Curve.Select(c => c.Psnr).ToArray())).ToList());
    }

    public static string MarkdownTable(ImageSource image, int steps, long seed, IReadOnlyList<ComparisonRow> rows)
    {
        var text = new StringBuilder();
        var i = image.Image;
        text.AppendLine(CultureInfo.InvariantCulture, $"# {image.Label}: {i.Width}x{i.Height}, {i.Channels} channel(s), {i.BitDepth}-bit; {steps} steps, seed {seed}");
        text.AppendLine();
        text.AppendLine("| preset | PSNR (dB) | SSIM | parameters | seconds | samples/s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            string psnr = double.IsPositiveInfinity(r.Psnr) ? "inf" : r.Psnr.ToString("F2", CultureInfo.InvariantCulture);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Preset} | {psnr} | {r.Ssim:F4} | {r.Parameters:N0} | {r.Seconds:F1} | {r.SamplesPerSecond:N0} |");
        }
        return text.ToString();
    }

    private static string Json(ImageSource image, IReadOnlyList<ComparisonRow> rows)
    {
        var results = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["preset"] = r.Preset,
            ["psnr"] = Finite(r.Psnr),
            ["ssim"] = Math.Round(r.Ssim, 6),
            ["parameters"] = r.Parameters,
            ["seconds"] = Math.Round(r.Seconds, 3),
            ["samples_per_second"] = Math.Round(r.SamplesPerSecond),
            ["steps"] = r.Steps,
            ["curve"] = new JsonArray(r.Curve.Select(c => (JsonNode)new JsonArray(c.Step, Finite(c.Psnr))).ToArray()),
        }).ToArray());
        return new JsonObject { ["image"] = image.Origin, ["results"] = results }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
