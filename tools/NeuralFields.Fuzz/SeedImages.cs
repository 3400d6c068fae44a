using NeuralFields.Signals.Image;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralFields.Fuzz;

/// <summary>Seed images in the formats other than PNG that the loader maps to channels and bit depth.</summary>
internal static class SeedImages
{
    public static IEnumerable<(string Name, byte[] Bytes)> Others(ImageSignal rgb)
    {
        using var image = new Image<Rgb24>(rgb.Width, rgb.Height);
        for (int y = 0; y < rgb.Height; y++)
            for (int x = 0; x < rgb.Width; x++)
            {
                int i = (y * rgb.Width + x) * 3;
                image[x, y] = new Rgb24((byte)rgb.Samples[i], (byte)rgb.Samples[i + 1], (byte)rgb.Samples[i + 2]);
            }
        using var gray16 = new Image<L16>(rgb.Width, rgb.Height, new L16(40000));
        yield return ("bmp", Encode(image, new BmpEncoder()));
        yield return ("gif", Encode(image, new GifEncoder()));
        yield return ("tga", Encode(image, new TgaEncoder()));
        yield return ("tiff-rgb8", Encode(image, new TiffEncoder()));
        yield return ("tiff-gray16", Encode(gray16, new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit16 }));
        yield return ("pbm", Encode(image, new PbmEncoder()));
        yield return ("jpeg", Encode(image, new JpegEncoder { Quality = 90 }));
        yield return ("webp", Encode(image, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }));
    }

    private static byte[] Encode(Image image, IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }
}
