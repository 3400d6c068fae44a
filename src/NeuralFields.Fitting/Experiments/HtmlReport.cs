using System.Net;
using System.Text;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// report.html: the verdicts, then per setting the table, the bar chart of mean scores and the crop
/// strips with their labels. Self-contained: inline CSS, images by relative path, nothing fetched.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1400px; padding: 0 1em; color: #222; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        tr.baseline td:first-child { font-style: italic; }
        .best { font-weight: bold; background: #e6f4e6; }
        .strip { margin: 0.5em 0 1.5em; overflow-x: auto; }
        .strip img { image-rendering: pixelated; display: block; }
        .labels { display: flex; font-size: 0.8em; }
        .labels span { flex: none; text-align: center; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
        p.note { color: #555; font-size: 0.9em; }
        """;

    public static string Build(ExperimentPlan plan, ExperimentOutcome outcome, ExperimentSummary summary, IReadOnlyDictionary<string, string> plots)
    {
        var html = new StringBuilder();
        string title = $"{plan.Task.Title}: {plan.Images.Count} image(s), {plan.Methods.Count} methods";
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine($"<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>{Style}</style></head><body>");
        html.AppendLine($"<h1>{E(title)}</h1>");
        html.AppendLine($"<p>{E(MarkdownReport.Setup(plan))}</p>");
        if (summary.Verdicts.Count > 0)
        {
            html.AppendLine("<h2>Verdict</h2><ul>");
            foreach (var v in summary.Verdicts) html.AppendLine($"<li>{E(v.Sentence(summary.ScoreName))}</li>");
            html.AppendLine("</ul>");
        }
        html.AppendLine($"<p class=\"note\">{E(MarkdownReport.CellLegend(plan))}</p>");
        foreach (var setting in plan.Task.Settings)
        {
            var cases = outcome.Cases.Where(c => c.Setting == setting).ToList();
            html.AppendLine($"<h2>{E(setting.Label)}</h2>");
            html.AppendLine("<table><tr><th>method</th>");
            foreach (var c in cases) html.AppendLine($"<th>{E(c.Image)}<br><small>{E(c.Description)}</small></th>");
            foreach (var head in MarkdownReport.MeanHeads(plan)) html.AppendLine($"<th>{E(head)}</th>");
            html.AppendLine("</tr>");
            foreach (var method in plan.Methods)
            {
                var mean = summary.Mean(setting.Label, method);
                html.Append($"<tr class=\"{mean.Kind}\"><td>{E(method)}</td>");
                foreach (var c in cases)
                    html.Append($"<td class=\"n\">{E(MarkdownReport.Cell(outcome.Cells.Single(r => r.Image == c.Image && r.Setting == setting.Label && r.Method == method)))}</td>");
                foreach (var (text, best) in MarkdownReport.MeanCells(summary, mean))
                    html.Append($"<td class=\"n{(best ? " best" : "")}\">{E(text)}</td>");
                html.AppendLine("</tr>");
            }
            html.AppendLine("</table>");
            if (plots.TryGetValue(setting.Slug, out var plot))
                html.AppendLine($"<img src=\"{Url(plot)}\" alt=\"mean {E(summary.ScoreName)} per method, {E(setting.Label)}\" width=\"720\">");
            html.AppendLine($"<h3>Crops ({E(setting.Label)})</h3>");
            string[] labels = ["ground truth", "input", .. plan.Methods];
            foreach (var c in cases)
            {
                // Small crops are shown enlarged (pixelated) so single pixels stay visible.
                int zoom = Math.Max(1, 160 / c.PanelWidth);
                int panel = c.PanelWidth * zoom, gap = CropStrip.Gap * zoom;
                int width = labels.Length * panel + (labels.Length - 1) * gap;
                html.AppendLine($"<div class=\"strip\"><div><b>{E(c.Image)}</b> <small>{E(c.Description)}</small></div><div class=\"labels\">");
                for (int i = 0; i < labels.Length; i++)
                    html.Append($"<span style=\"width:{panel}px;margin-right:{(i + 1 < labels.Length ? gap : 0)}px\">{E(labels[i])}</span>");
                html.AppendLine("</div>");
                html.AppendLine($"<img src=\"{Url(c.CropPath)}\" width=\"{width}\" height=\"{c.PanelHeight * zoom}\" alt=\"{E(string.Join(", ", labels))}\"></div>");
            }
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A relative URL: each path segment escaped, forward slashes.</summary>
    private static string Url(string relativePath) =>
        string.Join('/', relativePath.Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString));
}
