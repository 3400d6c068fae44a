namespace NeuralFields.Core.Metrics;

/// <summary>
/// Structural similarity (Wang et al. 2004) for values in [0,1]: 11×11 Gaussian window, σ = 1.5,
/// K1 = 0.01, K2 = 0.03, population (co)variances, mean over the positions where the window fits
/// and over channels: the reference MATLAB ssim of Wang et al. Computed in bands of rows, so memory stays
/// at a few rows whatever the image size; the arithmetic and its order are those of the whole-image filter.
/// </summary>
public static class Ssim
{
    private const int Radius = 5, Window = 2 * Radius + 1, BandRows = 64;
    private const double Sigma = 1.5, C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;

    /// <summary>Images as row-major [height, width, channels] values.</summary>
    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width, int channels) =>
        Compute(new FloatRows(a.ToArray(), width, channels), new FloatRows(b.ToArray(), width, channels), a.Length, b.Length, height, width, channels);

    /// <summary>Integer samples as row-major [height, width, channels], each read as the value sample · <paramref name="scale"/> in float32.</summary>
    public static double Compute(ushort[] a, ushort[] b, int height, int width, int channels, float scale) =>
        Compute(new IntegerRows(a, width, channels, scale), new IntegerRows(b, width, channels, scale), a.Length, b.Length, height, width, channels);

    private static double Compute<T>(T a, T b, long lengthA, long lengthB, int height, int width, int channels) where T : IRows
    {
        if (lengthA != lengthB || lengthA != (long)height * width * channels)
            throw new ArgumentException("image sizes differ");
        if (height < Window || width < Window)
            return SmallImageSsim(a, b, height, width, channels);
        var kernel = GaussianKernel();
        int w2 = width - 2 * Radius, h2 = height - 2 * Radius;
        var x = new double[width];
        var y = new double[width];
        // Horizontal passes of x, y, x², y², xy for the rows a band needs, then the vertical pass per output.
        var horizontal = Enumerable.Range(0, 5).Select(_ => new double[(BandRows + 2 * Radius) * w2]).ToArray();
        var product = new double[width];
        double total = 0;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int y0 = 0; y0 < h2; y0 += BandRows)
            {
                int outputs = Math.Min(BandRows, h2 - y0), inputs = outputs + 2 * Radius;
                for (int r = 0; r < inputs; r++)
                {
                    a.Read(y0 + r, c, x);
                    b.Read(y0 + r, c, y);
                    Horizontal(x, kernel, horizontal[0].AsSpan(r * w2, w2));
                    Horizontal(y, kernel, horizontal[1].AsSpan(r * w2, w2));
                    for (int i = 0; i < width; i++) product[i] = x[i] * x[i];
                    Horizontal(product, kernel, horizontal[2].AsSpan(r * w2, w2));
                    for (int i = 0; i < width; i++) product[i] = y[i] * y[i];
                    Horizontal(product, kernel, horizontal[3].AsSpan(r * w2, w2));
                    for (int i = 0; i < width; i++) product[i] = x[i] * y[i];
                    Horizontal(product, kernel, horizontal[4].AsSpan(r * w2, w2));
                }
                for (int r = 0; r < outputs; r++)
                    for (int i = 0; i < w2; i++)
                    {
                        double mx = Vertical(horizontal[0], r, i, w2, kernel), my = Vertical(horizontal[1], r, i, w2, kernel);
                        double xx = Vertical(horizontal[2], r, i, w2, kernel), yy = Vertical(horizontal[3], r, i, w2, kernel);
                        double xy = Vertical(horizontal[4], r, i, w2, kernel);
                        double vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
                        sum += (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                    }
            }
            total += sum / ((double)h2 * w2);
        }
        return total / channels;
    }

    private static void Horizontal(double[] row, double[] k, Span<double> output)
    {
        for (int x = 0; x < output.Length; x++)
        {
            double s = 0;
            for (int i = 0; i < k.Length; i++) s += k[i] * row[x + i];
            output[x] = s;
        }
    }

    private static double Vertical(double[] rows, int r, int x, int w2, double[] k)
    {
        double s = 0;
        for (int i = 0; i < k.Length; i++) s += k[i] * rows[(r + i) * w2 + x];
        return s;
    }

    /// <summary>Whole-image statistics when the image is smaller than one window.</summary>
    private static double SmallImageSsim<T>(T a, T b, int height, int width, int channels) where T : IRows
    {
        var all = new List<(double A, double B)>();
        var x = new double[width];
        var y = new double[width];
        for (int row = 0; row < height; row++)
            for (int c = 0; c < channels; c++)
            {
                a.Read(row, c, x);
                b.Read(row, c, y);
                for (int i = 0; i < width; i++) all.Add((x[i], y[i]));
            }
        // The values in image order (row, column, channel), as the whole-image sums take them.
        var ordered = new List<(double A, double B)>(all.Count);
        for (int row = 0; row < height; row++)
            for (int i = 0; i < width; i++)
                for (int c = 0; c < channels; c++)
                    ordered.Add(all[(row * channels + c) * width + i]);
        double mx = 0, my = 0;
        foreach (var (p, q) in ordered) { mx += p; my += q; }
        mx /= ordered.Count; my /= ordered.Count;
        double vx = 0, vy = 0, cxy = 0;
        foreach (var (p, q) in ordered)
        {
            vx += (p - mx) * (p - mx); vy += (q - my) * (q - my); cxy += (p - mx) * (q - my);
        }
        vx /= ordered.Count; vy /= ordered.Count; cxy /= ordered.Count;
        return (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }

    private static double[] GaussianKernel()
    {
        var k = new double[Window];
        for (int i = -Radius; i <= Radius; i++) k[i + Radius] = Math.Exp(-i * i / (2 * Sigma * Sigma));
        double s = k.Sum();
        return k.Select(v => v / s).ToArray();
    }

    /// <summary>Reads one channel of one row of an image as doubles.</summary>
    private interface IRows
    {
        void Read(int row, int channel, double[] values);
    }

    private readonly struct FloatRows(float[] image, int width, int channels) : IRows
    {
        public void Read(int row, int channel, double[] values)
        {
            long at = (long)row * width * channels + channel;
            for (int x = 0; x < width; x++) values[x] = image[at + (long)x * channels];
        }
    }

    private readonly struct IntegerRows(ushort[] image, int width, int channels, float scale) : IRows
    {
        public void Read(int row, int channel, double[] values)
        {
            long at = (long)row * width * channels + channel;
            for (int x = 0; x < width; x++) values[x] = image[at + (long)x * channels] * scale;   // the float value, then widened
        }
    }
}
