using NeuralFields.Core.Metrics;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>PSNR and SSIM of a written (quantised) output against the truth, and for a mask the PSNR of the missing pixels alone.</summary>
public static class CellMetrics
{
    public static (double Psnr, double Ssim, double? PsnrMissing) Measure(ImageSignal truth, ImageSignal output, PixelMask? mask)
    {
        var a = output.Values();
        var b = truth.Values();
        double psnr = Psnr.Compute(a, b);
        double ssim = Ssim.Compute(a, b, truth.Height, truth.Width, truth.Channels);
        if (mask is null) return (psnr, ssim, null);
        double sum = 0;
        long count = 0;
        int c = truth.Channels;
        for (long p = 0; p < mask.Known.Length; p++)
        {
            if (mask.Known[p]) continue;
            for (int k = 0; k < c; k++)
            {
                double d = a[p * c + k] - b[p * c + k];
                sum += d * d;
            }
            count += c;
        }
        return (psnr, ssim, count == 0 ? null : Psnr.FromMse(sum / count));
    }
}
