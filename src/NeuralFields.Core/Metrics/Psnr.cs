namespace NeuralFields.Core.Metrics;

/// <summary>Peak signal-to-noise ratio for values in [0,1] (data range 1).</summary>
public static class Psnr
{
    public static double FromMse(double mse) => mse <= 0 ? double.PositiveInfinity : -10 * Math.Log10(mse);

    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("lengths differ");
        var sum = new SquaredErrors();
        sum.Add(a, b);
        return sum.Psnr;
    }

    /// <summary>Of integer samples read as values sample · <paramref name="scale"/> in float32, as the signals' Values() give them.</summary>
    public static double Compute(ReadOnlySpan<ushort> a, ReadOnlySpan<ushort> b, float scale)
    {
        if (a.Length != b.Length) throw new ArgumentException("lengths differ");
        var sum = new SquaredErrors();
        for (int i = 0; i < a.Length; i++) sum.Add(a[i] * scale, b[i] * scale);
        return sum.Psnr;
    }
}

/// <summary>
/// A running sum of squared differences of float values (each difference rounded to float, then squared in
/// double), added in the order given: a signal measured piece by piece gets the same PSNR as measured at once.
/// </summary>
public struct SquaredErrors
{
    private double _sum;
    private long _count;

    public void Add(float a, float b)
    {
        double d = a - b;
        _sum += d * d;
        _count++;
    }

    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < a.Length; i++) Add(a[i], b[i]);
    }

    public readonly double Psnr => Metrics.Psnr.FromMse(_sum / _count);
}
