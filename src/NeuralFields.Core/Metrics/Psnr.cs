namespace NeuralFields.Core.Metrics;

/// <summary>Peak signal-to-noise ratio for values in [0,1] (data range 1).</summary>
public static class Psnr
{
    public static double FromMse(double mse) => mse <= 0 ? double.PositiveInfinity : -10 * Math.Log10(mse);

    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("lengths differ");
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return FromMse(sum / a.Length);
    }
}
