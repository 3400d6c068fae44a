namespace NeuralFields.Core.Metrics;

/// <summary>
/// Structural similarity (Wang et al. 2004) for values in [0,1]: 11×11 Gaussian window, σ = 1.5,
/// K1 = 0.01, K2 = 0.03, population (co)variances, mean over the positions where the window fits
/// and over channels: the reference MATLAB ssim of Wang et al.
/// </summary>
public static class Ssim
{
    private const int Radius = 5;
    private const double Sigma = 1.5, C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;

    /// <summary>Images as row-major [height, width, channels].</summary>
    public static double Compute(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width, int channels)
    {
        if (a.Length != b.Length || a.Length != height * width * channels)
            throw new ArgumentException("image sizes differ");
        if (height < 2 * Radius + 1 || width < 2 * Radius + 1)
            return SmallImageSsim(a, b);
        var kernel = GaussianKernel();
        double total = 0;
        for (int c = 0; c < channels; c++)
        {
            var x = Channel(a, c, channels);
            var y = Channel(b, c, channels);
            var mx = Blur(x, height, width, kernel);
            var my = Blur(y, height, width, kernel);
            var xx = Blur(Product(x, x), height, width, kernel);
            var yy = Blur(Product(y, y), height, width, kernel);
            var xy = Blur(Product(x, y), height, width, kernel);
            double sum = 0;
            for (int i = 0; i < mx.Length; i++)
            {
                double vx = xx[i] - mx[i] * mx[i], vy = yy[i] - my[i] * my[i], cxy = xy[i] - mx[i] * my[i];
                sum += (2 * mx[i] * my[i] + C1) * (2 * cxy + C2) / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
            }
            total += sum / mx.Length;
        }
        return total / channels;
    }

    /// <summary>Whole-image statistics when the image is smaller than one window.</summary>
    private static double SmallImageSsim(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double mx = 0, my = 0;
        for (int i = 0; i < a.Length; i++) { mx += a[i]; my += b[i]; }
        mx /= a.Length; my /= a.Length;
        double vx = 0, vy = 0, cxy = 0;
        for (int i = 0; i < a.Length; i++)
        {
            vx += (a[i] - mx) * (a[i] - mx); vy += (b[i] - my) * (b[i] - my); cxy += (a[i] - mx) * (b[i] - my);
        }
        vx /= a.Length; vy /= a.Length; cxy /= a.Length;
        return (2 * mx * my + C1) * (2 * cxy + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }

    private static double[] GaussianKernel()
    {
        var k = new double[2 * Radius + 1];
        for (int i = -Radius; i <= Radius; i++) k[i + Radius] = Math.Exp(-i * i / (2 * Sigma * Sigma));
        double s = k.Sum();
        return k.Select(v => v / s).ToArray();
    }

    private static double[] Channel(ReadOnlySpan<float> image, int c, int channels)
    {
        var result = new double[image.Length / channels];
        for (int i = 0; i < result.Length; i++) result[i] = image[i * channels + c];
        return result;
    }

    private static double[] Product(double[] x, double[] y)
    {
        var r = new double[x.Length];
        for (int i = 0; i < r.Length; i++) r[i] = x[i] * y[i];
        return r;
    }

    /// <summary>Separable Gaussian filter keeping only positions where the window fits ("valid").</summary>
    private static double[] Blur(double[] image, int height, int width, double[] k)
    {
        int w2 = width - 2 * Radius, h2 = height - 2 * Radius;
        var rows = new double[height * w2];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < w2; x++)
            {
                double s = 0;
                for (int i = 0; i < k.Length; i++) s += k[i] * image[y * width + x + i];
                rows[y * w2 + x] = s;
            }
        var result = new double[h2 * w2];
        for (int y = 0; y < h2; y++)
            for (int x = 0; x < w2; x++)
            {
                double s = 0;
                for (int i = 0; i < k.Length; i++) s += k[i] * rows[(y + i) * w2 + x];
                result[y * w2 + x] = s;
            }
        return result;
    }
}
