using NeuralFields.Schema.IO;
using ScottPlot;

namespace NeuralFields.Cli.Output;

/// <summary>PNG plots drawn with ScottPlot.</summary>
internal static class Plots
{
    public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

    /// <summary>Line plot of one or more series; written atomically.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logX = false)
    {
        var plot = new Plot();
        foreach (var s in series)
        {
            var xs = s.X.Select(x => logX ? Math.Log10(Math.Max(x, 1)) : x).ToArray();
            var ys = s.Y.Select(y => double.IsFinite(y) ? y : double.NaN).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = s.Label;
            line.LineWidth = 2;
        }
        plot.Title(title);
        plot.XLabel(logX ? xLabel + " (log10)" : xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 1) plot.ShowLegend(Alignment.LowerRight);
        var bytes = plot.GetImageBytes(900, 560, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
