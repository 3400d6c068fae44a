using NeuralFields.Schema.IO;
using ScottPlot;

namespace NeuralFields.Fitting.Output;

/// <summary>PNG plots drawn with ScottPlot.</summary>
public static class Plots
{
    public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

    /// <summary>bitplanes.png: bit error rate per plane against step, MSB first; the paper's "bit bias" shows as MSBs reaching 0 first.</summary>
    public static void BitPlanes(string path, string title, IReadOnlyList<Core.Training.BitErrorPoint> points, int bitDepth)
    {
        var steps = points.Select(p => (double)p.Step).ToArray();
        var series = Enumerable.Range(0, bitDepth).Reverse()
            .Select(bit => new Series(bit == bitDepth - 1 ? $"bit {bit} (MSB)" : bit == 0 ? "bit 0 (LSB)" : $"bit {bit}",
                steps, points.Select(p => p.Rates[bit]).ToArray()))
            .ToList();
        Lines(path, title, "step", "bit error rate", series, legend: Alignment.UpperRight);
    }

    /// <summary>Line plot of one or more series; written atomically. The legend sits where falling curves (errors) leave room when asked.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logX = false,
        Alignment legend = Alignment.LowerRight)
    {
        var plot = new Plot();
        int colours = plot.Add.Palette.Colors.Length;
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var xs = s.X.Select(x => logX ? Math.Log10(Math.Max(x, 1)) : x).ToArray();
            var ys = s.Y.Select(y => double.IsFinite(y) ? y : double.NaN).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = s.Label;
            line.LineWidth = 2;
            // The palette repeats after its last colour: later rounds get other dash patterns so no two series look alike.
            line.LinePattern = (i / colours) switch { 0 => LinePattern.Solid, 1 => LinePattern.Dashed, _ => LinePattern.Dotted };
        }
        plot.Title(title);
        plot.XLabel(logX ? xLabel + " (log10)" : xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 1) plot.ShowLegend(legend);
        var bytes = plot.GetImageBytes(900, 560, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>
    /// Bar chart, one labelled bar per name (<paramref name="muted"/> ones gray: the baselines); the value
    /// axis starts just below the smallest bar, so dB differences stay visible. Written atomically.
    /// </summary>
    public static void Bars(string path, string title, string yLabel, IReadOnlyList<string> names, IReadOnlyList<double> values, IReadOnlyList<bool> muted)
    {
        var plot = new Plot();
        var finite = values.Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double top = finite.Max();
        var bars = values.Select((v, i) => new Bar
        {
            Position = i,
            Value = double.IsFinite(v) ? v : top,
            FillColor = muted[i] ? Colors.Gray : Colors.SteelBlue,
            Label = double.IsPositiveInfinity(v) ? "inf" : v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, names.Count).Select(i => (double)i).ToArray(), names.ToArray());
        plot.Axes.SetLimitsY(Math.Max(0, Math.Floor(finite.Min() - 2)), top + 1);
        plot.Title(title);
        plot.YLabel(yLabel);
        var bytes = plot.GetImageBytes(900, 480, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
