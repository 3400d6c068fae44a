using System.Text;

namespace NeuralFields.Fitting.Experiments;

/// <summary>results.md: the verdicts first, then one table per setting (methods × images, PSNR / SSIM, means).</summary>
public static class MarkdownReport
{
    public static string Build(ExperimentPlan plan, ExperimentOutcome outcome, ExperimentSummary summary)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {plan.Task.Title}: {plan.Images.Count} image(s), {plan.Methods.Count} methods");
        text.AppendLine();
        text.AppendLine(Setup(plan));
        text.AppendLine();
        if (summary.Verdicts.Count > 0)
        {
            text.AppendLine("## Verdict");
            text.AppendLine();
            foreach (var v in summary.Verdicts) text.AppendLine($"- {v.Sentence(summary.ScoreName)}");
            text.AppendLine();
        }
        text.AppendLine(CellLegend(plan));
        foreach (var setting in plan.Task.Settings)
        {
            text.AppendLine();
            text.AppendLine($"## {setting.Label}");
            text.AppendLine();
            var cases = outcome.Cases.Where(c => c.Setting == setting).ToList();
            var meanHeads = MeanHeads(plan);
            text.AppendLine($"| method | {string.Join(" | ", cases.Select(c => $"{c.Image} ({c.Description})"))} | {string.Join(" | ", meanHeads)} |");
            text.AppendLine($"|---|{string.Concat(Enumerable.Repeat("---:|", cases.Count + meanHeads.Count))}");
            foreach (var method in plan.Methods)
            {
                var mean = summary.Mean(setting.Label, method);
                var cells = cases.Select(c => Cell(outcome.Cells.Single(r => r.Image == c.Image && r.Setting == setting.Label && r.Method == method)));
                text.AppendLine($"| {method}{(mean.Kind == CellResult.Baseline ? " (baseline)" : "")} | {string.Join(" | ", cells)} | {string.Join(" | ", MeanCells(summary, mean).Select(m => m.Best ? $"**{m.Text}**" : m.Text))} |");
            }
        }
        return text.ToString();
    }

    public static string Setup(ExperimentPlan plan)
    {
        string images = string.Join(", ", plan.Images.Select(i => $"{i.Name} {i.Image.Width}x{i.Image.Height}"));
        string crop = plan.Crop is int n ? $" (centre-cropped to at most {n}x{n})" : "";
        string steps = plan.Steps is int s ? $"{s} steps each" : "each preset's own steps";
        string presets = plan.Presets.Count == 0 ? "none" : string.Join(", ", plan.Presets.Select(p => p.Name));
        return $"Images: {images}{crop}. Presets: {presets} ({steps}, seed {plan.Seed}). Baselines: {string.Join(", ", plan.Task.Baselines)}.";
    }

    public static string CellLegend(ExperimentPlan plan) => plan.Task.ScoresMissing
        ? "Each cell: PSNR (dB) over the whole image / PSNR (dB) over the missing pixels only / SSIM, of the written output against the ground truth. " +
          "Presets render every pixel, known ones included (nothing is pasted back); baselines keep the known pixels exactly, so the missing-pixel PSNR is the fair comparison. Bold: best mean."
        : "Each cell: PSNR (dB) / SSIM of the written output against the ground truth (the image cropped so the scale divides its size). Bold: best mean.";

    public static IReadOnlyList<string> MeanHeads(ExperimentPlan plan) => plan.Task.ScoresMissing
        ? ["mean PSNR", "mean PSNR missing", "mean SSIM"]
        : ["mean PSNR", "mean SSIM"];

    public static string Cell(CellResult r) => r.PsnrMissing is double m
        ? $"{ReportFormat.Db(r.Psnr)} / {ReportFormat.Db(m)} / {ReportFormat.Ssim(r.Ssim)}"
        : $"{ReportFormat.Db(r.Psnr)} / {ReportFormat.Ssim(r.Ssim)}";

    /// <summary>The mean columns of a method, each marked when it is the best of its setting.</summary>
    public static IEnumerable<(string Text, bool Best)> MeanCells(ExperimentSummary summary, MethodMean mean)
    {
        var peers = summary.Means.Where(m => m.Setting == mean.Setting).ToList();
        yield return (ReportFormat.Db(mean.Psnr), mean.Psnr >= peers.Max(p => p.Psnr));
        if (mean.PsnrMissing is double missing)
            yield return (ReportFormat.Db(missing), missing >= peers.Max(p => p.PsnrMissing ?? double.NegativeInfinity));
        yield return (ReportFormat.Ssim(mean.Ssim), mean.Ssim >= peers.Max(p => p.Ssim));
    }
}
