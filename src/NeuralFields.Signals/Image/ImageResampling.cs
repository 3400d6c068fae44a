using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace NeuralFields.Signals.Image;

/// <summary>
/// Classic resampling through ImageSharp's Resize (KnownResamplers.Bicubic, Lanczos3, ...): the
/// baselines super-resolution is measured against. Channels are filtered independently (no alpha
/// premultiplication, no sRGB companding) at 16-bit working precision.
/// </summary>
public static class ImageResampling
{
    public static ImageSignal Resize(ImageSignal image, int width, int height, IResampler sampler)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"size {width}x{height} is empty");
        using var wide = ToRgba64(image);
        wide.Mutate(c => c.Resize(new ResizeOptions
        {
            Size = new Size(width, height),
            Mode = ResizeMode.Stretch,
            Sampler = sampler,
            Compand = false,
            PremultiplyAlpha = false,
        }));
        return FromRgba64(wide, image.Channels, image.BitDepth);
    }

    private static Image<Rgba64> ToRgba64(ImageSignal s)
    {
        int scale = s.BitDepth == 16 ? 1 : 257;   // 8-bit v is v·257 at 16 bits, exactly
        int c = s.Channels;
        var image = new Image<Rgba64>(s.Width, s.Height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < s.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < s.Width; x++)
                {
                    long i = ((long)y * s.Width + x) * c;
                    ushort r = (ushort)(s.Samples[i] * scale);
                    ushort g = c >= 3 ? (ushort)(s.Samples[i + 1] * scale) : r;
                    ushort b = c >= 3 ? (ushort)(s.Samples[i + 2] * scale) : r;
                    ushort a = c is 2 or 4 ? (ushort)(s.Samples[i + c - 1] * scale) : ushort.MaxValue;
                    row[x] = new Rgba64(r, g, b, a);
                }
            }
        });
        return image;
    }

    private static ImageSignal FromRgba64(Image<Rgba64> image, int channels, int bitDepth)
    {
        double scale = bitDepth == 16 ? 1 : 257;
        int w = image.Width, h = image.Height;
        var samples = new ushort[(long)w * h * channels];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    var p = row[x];
                    long i = ((long)y * w + x) * channels;
                    samples[i] = Narrow(p.R, scale);
                    if (channels >= 3)
                    {
                        samples[i + 1] = Narrow(p.G, scale);
                        samples[i + 2] = Narrow(p.B, scale);
                    }
                    if (channels is 2 or 4) samples[i + channels - 1] = Narrow(p.A, scale);
                }
            }
        });
        return new ImageSignal(w, h, channels, bitDepth, samples);
    }

    private static ushort Narrow(ushort value, double scale) => (ushort)Math.Round(value / scale, MidpointRounding.ToEven);
}
