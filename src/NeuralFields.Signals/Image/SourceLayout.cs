using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralFields.Signals.Image;

/// <summary>
/// The channels and bit depth an image file holds. ImageSharp decodes most formats to 8-bit RGBA
/// whatever the file says (a 16-bit gray TIFF, a gray JPEG, a 24-bit BMP), so the layout comes from
/// each format's own metadata; the decoded pixels can then only widen it (a colour-mapped "gray" TGA,
/// a GIF with a transparent colour, a TIFF palette of true 16-bit entries), so nothing is dropped.
/// </summary>
internal readonly record struct SourceLayout(bool Gray, bool Alpha, int BitDepth)
{
    public int ColourChannels => Gray ? 1 : 3;

    public int Channels => ColourChannels + (Alpha ? 1 : 0);

    /// <summary>What the file's metadata declares (formats without such metadata: 8-bit RGB).</summary>
    public static SourceLayout Declared(IImageFormat format, Image<Rgba64> image) => format switch
    {
        PngFormat => Png(image.Metadata.GetPngMetadata()),
        TiffFormat => Tiff(image.Frames.RootFrame.Metadata.GetTiffMetadata()),
        JpegFormat => new(image.Metadata.GetJpegMetadata().ColorType == JpegColorType.Luminance, false, 8),
        PbmFormat => Pbm(image.Metadata.GetPbmMetadata()),
        TgaFormat => new(image.Metadata.GetTgaMetadata().BitsPerPixel == TgaBitsPerPixel.Pixel8, image.Metadata.GetTgaMetadata().AlphaChannelBits > 0, 8),
        _ => new(false, false, 8),   // BMP, GIF, WebP: colour, with alpha only where a pixel is not opaque
    };

    private static SourceLayout Png(PngMetadata png) => new(
        png.ColorType is PngColorType.Grayscale or PngColorType.GrayscaleWithAlpha,
        png.ColorType is PngColorType.GrayscaleWithAlpha or PngColorType.RgbWithAlpha,
        png.BitDepth == PngBitDepth.Bit16 ? 16 : 8);

    private static SourceLayout Tiff(TiffFrameMetadata tiff)
    {
        bool gray = tiff.PhotometricInterpretation is TiffPhotometricInterpretation.BlackIsZero or TiffPhotometricInterpretation.WhiteIsZero;
        var bits = tiff.BitsPerSample;
        bool alpha = bits is { } b && b.Channels > (gray ? 1 : 3);       // an extra sample after gray or RGB
        return new(gray, alpha, bits is { Channel0: > 8 } ? 16 : 8);     // a palette's index bits: its 16-bit entries widen it below
    }

    private static SourceLayout Pbm(PbmMetadata pbm) =>
        new(pbm.ColorType != PbmColorType.Rgb, false, pbm.ComponentType == PbmComponentType.Short ? 16 : 8);

    /// <summary>
    /// The declared layout, widened wherever the pixels hold more: colour in a "gray" image, a pixel that
    /// is not opaque, or a value that is no 8-bit value widened (ImageSharp widens v to v·257).
    /// </summary>
    public SourceLayout WidenedBy(Image<Rgba64> image)
    {
        bool colour = false, translucent = false, wide = false;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y))
                {
                    colour |= p.R != p.G || p.G != p.B;
                    translucent |= p.A != ushort.MaxValue;
                    wide |= p.R % 257 != 0 || p.G % 257 != 0 || p.B % 257 != 0 || p.A % 257 != 0;
                }
        });
        return new(Gray && !colour, Alpha || translucent, BitDepth == 8 && wide ? 16 : BitDepth);
    }
}
