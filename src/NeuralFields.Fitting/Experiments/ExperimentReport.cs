using System.Text.Json.Nodes;
using NeuralFields.Fitting.Output;
using NeuralFields.Schema.IO;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// Writes the experiment's report from its cells: results.json (every cell, the means and verdicts),
/// results.md, a bar chart of mean scores per setting (plots/SETTING.png) and report.html, each atomically.
/// </summary>
public static class ExperimentReport
{
    public const string Json = "results.json", Markdown = "results.md", Html = "report.html";

    public static ExperimentSummary Write(ExperimentPlan plan, ExperimentOutcome outcome)
    {
        var summary = new ExperimentSummary(plan, outcome.Cells);
        var plots = new Dictionary<string, string>();
        Directory.CreateDirectory(Path.Combine(plan.OutDir, "plots"));
        foreach (var setting in plan.Task.Settings)
        {
            var means = summary.Means.Where(m => m.Setting == setting.Label).ToList();
            string relative = Path.Combine("plots", setting.Slug + ".png");
            Plots.Bars(Path.Combine(plan.OutDir, relative), $"{plan.Task.Title} {setting.Label}: mean {summary.ScoreName} over {plan.Images.Count} image(s)",
                $"{summary.ScoreName} (dB)", means.Select(m => m.Method).ToList(), means.Select(m => m.Score).ToList(),
                means.Select(m => m.Kind == CellResult.Baseline).ToList());
            plots[setting.Slug] = relative;
        }
        AtomicFile.WriteAllText(Path.Combine(plan.OutDir, Json), JsonReport(plan, outcome, summary).ToJsonString(Schema.Serialization.ConfigJson.Options));
        AtomicFile.WriteAllText(Path.Combine(plan.OutDir, Markdown), MarkdownReport.Build(plan, outcome, summary));
        AtomicFile.WriteAllText(Path.Combine(plan.OutDir, Html), HtmlReport.Build(plan, outcome, summary, plots));
        return summary;
    }

    private static JsonObject JsonReport(ExperimentPlan plan, ExperimentOutcome outcome, ExperimentSummary summary) => new()
    {
        ["task"] = plan.Task.Name,
        ["settings"] = Array(plan.Task.Settings.Select(s => (JsonNode)s.Label)),
        ["methods"] = Array(plan.Methods.Select(m => (JsonNode)m)),
        ["baselines"] = Array(plan.Task.Baselines.Select(m => (JsonNode)m)),
        ["presets"] = Array(plan.Presets.Select(p => (JsonNode)p.Name)),
        ["steps"] = plan.Steps,
        ["seed"] = plan.Seed,
        ["crop"] = plan.Crop,
        ["images"] = Array(plan.Images.Select(i => (JsonNode)new JsonObject
        {
            ["name"] = i.Name, ["path"] = i.Path, ["width"] = i.Image.Width, ["height"] = i.Image.Height,
            ["channels"] = i.Image.Channels, ["bit_depth"] = i.Image.BitDepth,
        })),
        ["cases"] = Array(outcome.Cases.Select(c => (JsonNode)new JsonObject
        {
            ["image"] = c.Image, ["setting"] = c.Setting.Label, ["description"] = c.Description, ["crops"] = c.CropPath.Replace('\\', '/'),
        })),
        ["results"] = Array(outcome.Cells.Select(r => (JsonNode)new JsonObject
        {
            ["image"] = r.Image, ["setting"] = r.Setting, ["method"] = r.Method, ["kind"] = r.Kind,
            ["psnr"] = Number(r.Psnr), ["ssim"] = Math.Round(r.Ssim, 5),
            ["psnr_missing"] = r.PsnrMissing is double m ? Number(m) : null,
            ["seconds"] = Math.Round(r.Seconds, 3), ["steps"] = r.Steps,
            ["fit_psnr"] = r.FitPsnr is double f ? Number(f) : null,
        })),
        ["means"] = Array(summary.Means.Select(m => (JsonNode)new JsonObject
        {
            ["setting"] = m.Setting, ["method"] = m.Method, ["kind"] = m.Kind,
            ["psnr"] = Number(m.Psnr), ["ssim"] = Math.Round(m.Ssim, 5),
            ["psnr_missing"] = m.PsnrMissing is double x ? Number(x) : null,
        })),
        ["verdicts"] = Array(summary.Verdicts.Select(v => (JsonNode)new JsonObject
        {
            ["setting"] = v.Setting, ["score"] = summary.ScoreName,
            ["best_preset"] = v.BestPreset.Method, ["best_preset_score"] = Number(v.BestPreset.Score),
            ["reference"] = v.Reference.Method, ["reference_score"] = Number(v.Reference.Score),
            ["best_baseline"] = v.BestBaseline.Method, ["best_baseline_score"] = Number(v.BestBaseline.Score),
            ["margin_over_reference_db"] = Number(v.BestPreset.Score - v.Reference.Score),
            ["margin_over_best_baseline_db"] = Number(v.BestPreset.Score - v.BestBaseline.Score),
            ["text"] = v.Sentence(summary.ScoreName),
        })),
    };

    private static JsonArray Array(IEnumerable<JsonNode> items) => new(items.ToArray());

    /// <summary>JSON has no infinity: an exact output's PSNR is written as the string "inf", as metrics.json does.</summary>
    private static JsonNode Number(double value) => Output.MetricsJson.Finite(value);
}
