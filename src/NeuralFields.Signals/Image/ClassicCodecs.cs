using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;

namespace NeuralFields.Signals.Image;

/// <summary>
/// The classic codecs neural files are measured against, through ImageSharp: PNG at its strongest
/// deflate setting (lossless) and baseline JPEG at a given quality (what it decodes to).
/// </summary>
public static class ClassicCodecs
{
    /// <summary>Size of the PNG of <paramref name="signal"/> at the best compression ImageSharp offers, adaptive filters.</summary>
    public static long PngBytes(ImageSignal signal)
    {
        using var image = ImageFile.Encode(signal);
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder
        {
            BitDepth = signal.BitDepth == 16 ? PngBitDepth.Bit16 : PngBitDepth.Bit8,
            ColorType = signal.Channels switch { 1 => PngColorType.Grayscale, 2 => PngColorType.GrayscaleWithAlpha, 3 => PngColorType.Rgb, _ => PngColorType.RgbWithAlpha },
            CompressionLevel = PngCompressionLevel.BestCompression,
            FilterMethod = PngFilterMethod.Adaptive,
        });
        return stream.Length;
    }

    /// <summary>JPEG at <paramref name="quality"/> (1–100, 4:2:0 colour): its size and the 8-bit image it decodes to.</summary>
    public static (long Bytes, ImageSignal Decoded) Jpeg(ImageSignal signal, int quality)
    {
        if (signal.BitDepth != 8 || signal.Channels is not (1 or 3))
            throw new ArgumentException("JPEG takes 8-bit gray or RGB images");
        using var image = ImageFile.Encode(signal);
        using var stream = new MemoryStream();
        image.Save(stream, new JpegEncoder
        {
            Quality = quality,
            ColorType = signal.Channels == 1 ? JpegColorType.Luminance : JpegColorType.YCbCrRatio420,
        });
        long bytes = stream.Length;
        stream.Position = 0;
        return (bytes, ImageFile.Read(stream, AlphaMode.Drop, "the JPEG"));
    }
}
