using NeuralFields.Core.Metrics;

namespace NeuralFields.Core.Tests;

/// <summary>SSIM computed band by band equals the direct windowed definition on an image taller than several bands.</summary>
public class SsimBandTests
{
    [Fact]
    public void Banded_ssim_equals_the_direct_windowed_sum_on_a_tall_image()
    {
        const int height = 150, width = 23, channels = 2, max = 255;
        var random = new Random(4);
        var a = Enumerable.Range(0, height * width * channels).Select(_ => (ushort)random.Next(max + 1)).ToArray();
        var b = a.Select(v => (ushort)Math.Clamp(v + random.Next(-20, 21), 0, max)).ToArray();
        float scale = 1f / max;

        double banded = Ssim.Compute(a, b, height, width, channels, scale);
        Assert.Equal(Direct(a, b, height, width, channels, scale), banded, 12);
        Assert.Equal(banded, Ssim.Compute(a.Select(v => v * scale).ToArray(), b.Select(v => v * scale).ToArray(), height, width, channels));
    }

    /// <summary>Mean over channels and valid positions of SSIM with 11x11 Gaussian weights (σ 1.5), summed window by window.</summary>
    private static double Direct(ushort[] a, ushort[] b, int height, int width, int channels, float scale)
    {
        var g = Enumerable.Range(-5, 11).Select(i => Math.Exp(-i * i / 4.5)).ToArray();
        double norm = g.Sum();
        double total = 0;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int y = 0; y + 11 <= height; y++)
                for (int x = 0; x + 11 <= width; x++)
                {
                    double mx = 0, my = 0, xx = 0, yy = 0, xy = 0;
                    for (int j = 0; j < 11; j++)
                        for (int i = 0; i < 11; i++)
                        {
                            double w = g[j] / norm * (g[i] / norm);
                            double p = a[((y + j) * width + x + i) * channels + c] * scale, q = b[((y + j) * width + x + i) * channels + c] * scale;
                            mx += w * p; my += w * q; xx += w * p * p; yy += w * q * q; xy += w * p * q;
                        }
                    sum += (2 * mx * my + 1e-4) * (2 * (xy - mx * my) + 9e-4) / ((mx * mx + my * my + 1e-4) * (xx - mx * mx + yy - my * my + 9e-4));
                }
            total += sum / ((height - 10.0) * (width - 10.0));
        }
        return total / channels;
    }
}
