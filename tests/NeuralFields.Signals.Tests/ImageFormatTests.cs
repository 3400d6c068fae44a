using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralFields.Signals.Tests;

/// <summary>
/// Every format ImageSharp reads keeps its bit depth, its channel count and (lossless formats) every
/// sample; fixtures are written here, with ImageSharp's encoders or (TIFFs it cannot write) by hand.
/// </summary>
public sealed class ImageFormatTests : IDisposable
{
    private const int Width = 7, Height = 5;
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-formats-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Samples that exercise every bit plane, including 0 and the maximum.</summary>
    private static ushort[] Pattern(int channels, int bits)
    {
        int max = (1 << bits) - 1;
        var samples = new ushort[Width * Height * channels];
        for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)((i * 7919L + i * i * 31L) % (max + 1));
        samples[0] = 0;
        samples[^1] = (ushort)max;
        return samples;
    }

    /// <summary>A few colours only, so palette encoders (GIF, PNG palette) keep them exactly.</summary>
    private static ushort[] FewColours(int channels)
    {
        ushort[][] colours = [[250, 10, 20, 255], [0, 128, 255, 200], [33, 66, 99, 60], [255, 255, 255, 255]];
        var samples = new ushort[Width * Height * channels];
        for (int p = 0; p < Width * Height; p++)
            for (int c = 0; c < channels; c++) samples[p * channels + c] = colours[(p * 5 / 3) % colours.Length][c];
        return samples;
    }

    private string SaveBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes 8-bit samples (1, 3 or 4 channels) with an ImageSharp encoder.</summary>
    private string SaveWith(string name, ushort[] samples, int channels, IImageEncoder encoder)
    {
        using var image = new Image<Rgba32>(Width, Height);
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                int at = (y * Width + x) * channels;
                byte r = (byte)samples[at], g = channels >= 3 ? (byte)samples[at + 1] : r, b = channels >= 3 ? (byte)samples[at + 2] : r;
                image[x, y] = new Rgba32(r, g, b, channels == 4 ? (byte)samples[at + 3] : (byte)255);
            }
        var path = Path.Combine(_folder, name);
        image.Save(path, encoder);
        return path;
    }

    private static ImageSignal AssertLoads(string path, int channels, int bits, ushort[]? samples)
    {
        var image = ImageFile.Load(path);
        Assert.Equal((Width, Height, channels, bits), (image.Width, image.Height, image.Channels, image.BitDepth));
        if (samples is not null) Assert.Equal(samples, image.Samples);
        return image;
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(1, 16)]
    [InlineData(3, 8)]
    [InlineData(3, 16)]
    [InlineData(4, 8)]
    [InlineData(4, 16)]
    public void Tiff_keeps_its_depth_channels_and_samples(int channels, int bits)
    {
        var samples = Pattern(channels, bits);
        var tiff = TiffFixture.Write(Width, Height, channels, bits, channels == 1 ? TiffFixture.BlackIsZero : TiffFixture.Rgb, samples,
            extraAlpha: channels == 4);
        AssertLoads(SaveBytes($"c{channels}b{bits}.tiff", tiff), channels, bits, samples);
    }

    [Fact]
    public void Tiff_written_by_imagesharp_keeps_gray_as_one_channel()
    {
        var samples = Pattern(1, 8);
        AssertLoads(SaveWith("gray.tiff", samples, 1, new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit8 }), 1, 8, samples);
    }

    [Fact]
    public void Tiff_palette_becomes_rgb_at_the_depth_of_its_colour_map()
    {
        var indices = Pattern(1, 8);
        var eight = new ushort[3 * 256];
        var sixteen = new ushort[3 * 256];
        for (int i = 0; i < 256; i++)
        {
            (eight[i], eight[256 + i], eight[512 + i]) = ((ushort)(i * 257), (ushort)((255 - i) * 257), (ushort)(i / 2 * 257));
            (sixteen[i], sixteen[256 + i], sixteen[512 + i]) = ((ushort)(i * 250 + 3), (ushort)(65535 - i * 99), (ushort)(i * 7));
        }
        ushort[] Expected(ushort[] map, int divisor) => indices.SelectMany(k => new[] { map[k], map[256 + k], map[512 + k] }.Select(v => (ushort)(v / divisor))).ToArray();

        AssertLoads(SaveBytes("palette8.tiff", TiffFixture.Write(Width, Height, 1, 8, TiffFixture.Palette, indices, colorMap: eight)), 3, 8, Expected(eight, 257));
        AssertLoads(SaveBytes("palette16.tiff", TiffFixture.Write(Width, Height, 1, 8, TiffFixture.Palette, indices, colorMap: sixteen)), 3, 16, Expected(sixteen, 1));
    }

    [Fact]
    public void Tiff_gray_with_alpha_which_imagesharp_cannot_decode_is_refused_in_one_line()
    {
        var path = SaveBytes("gray-alpha.tiff", TiffFixture.Write(Width, Height, 2, 16, TiffFixture.BlackIsZero, Pattern(2, 16), extraAlpha: true));
        var error = Assert.Throws<NeuralFieldsException>(() => ImageFile.Load(path));
        Assert.StartsWith($"cannot decode {path}", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void Png_palette_is_rgb_and_rgba_only_when_a_colour_is_translucent()
    {
        AssertLoads(SaveWith("palette.png", FewColours(3), 3, new PngEncoder { ColorType = PngColorType.Palette }), 3, 8, FewColours(3));
        AssertLoads(SaveWith("palette-alpha.png", FewColours(4), 4, new PngEncoder { ColorType = PngColorType.Palette }), 4, 8, FewColours(4));
    }

    [Fact]
    public void Gif_is_rgb_and_rgba_only_when_a_colour_is_transparent()
    {
        AssertLoads(SaveWith("opaque.gif", FewColours(3), 3, new GifEncoder()), 3, 8, FewColours(3));
        var transparent = FewColours(4).Select((v, i) => i % 4 == 3 ? (ushort)(v < 255 ? 0 : 255) : v).ToArray();
        var image = AssertLoads(SaveWith("transparent.gif", transparent, 4, new GifEncoder()), 4, 8, null);
        Assert.Contains(image.Samples.Where((_, i) => i % 4 == 3), a => a == 0);
    }

    [Theory]
    [InlineData(BmpBitsPerPixel.Pixel24, 3)]
    [InlineData(BmpBitsPerPixel.Pixel32, 4)]
    public void Bmp_keeps_its_channels_and_samples(BmpBitsPerPixel bits, int channels)
    {
        var samples = Pattern(channels, 8);
        if (channels == 4)
            for (int i = 3; i < samples.Length; i += 4) samples[i] = (ushort)Math.Max((int)samples[i], 1);
        AssertLoads(SaveWith($"{bits}.bmp", samples, channels, new BmpEncoder { BitsPerPixel = bits, SupportTransparency = channels == 4 }), channels, 8, samples);
    }

    [Theory]
    [InlineData(TgaBitsPerPixel.Pixel8, 1)]
    [InlineData(TgaBitsPerPixel.Pixel24, 3)]
    [InlineData(TgaBitsPerPixel.Pixel32, 4)]
    public void Tga_keeps_its_channels_and_samples(TgaBitsPerPixel bits, int channels)
    {
        var samples = Pattern(channels, 8);
        AssertLoads(SaveWith($"{bits}.tga", samples, channels, new TgaEncoder { BitsPerPixel = bits, Compression = TgaCompression.None }), channels, 8, samples);
    }

    [Fact]
    public void Jpeg_gray_is_one_channel_and_colour_three()
    {
        AssertLoads(SaveWith("gray.jpg", Pattern(1, 8), 1, new JpegEncoder { ColorType = JpegColorType.Luminance }), 1, 8, null);
        AssertLoads(SaveWith("colour.jpg", Pattern(3, 8), 3, new JpegEncoder()), 3, 8, null);
    }

    [Theory]
    [InlineData(PbmColorType.Grayscale, PbmComponentType.Byte, 1, 8)]
    [InlineData(PbmColorType.Grayscale, PbmComponentType.Short, 1, 16)]
    [InlineData(PbmColorType.Rgb, PbmComponentType.Short, 3, 16)]
    public void Pbm_keeps_its_depth_channels_and_samples(PbmColorType colour, PbmComponentType component, int channels, int bits)
    {
        var samples = Pattern(channels, bits);
        using var image = new Image<Rgba64>(Width, Height);
        int scale = bits == 8 ? 257 : 1;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                int at = (y * Width + x) * channels;
                ushort r = (ushort)(samples[at] * scale), g = channels == 3 ? (ushort)(samples[at + 1] * scale) : r, b = channels == 3 ? (ushort)(samples[at + 2] * scale) : r;
                image[x, y] = new Rgba64(r, g, b, ushort.MaxValue);
            }
        var path = Path.Combine(_folder, $"{colour}{component}.pnm");
        image.Save(path, new PbmEncoder { ColorType = colour, ComponentType = component, Encoding = PbmEncoding.Binary });
        AssertLoads(path, channels, bits, samples);
    }

    [Fact]
    public void Lossless_webp_keeps_its_channels_and_samples()
    {
        AssertLoads(SaveWith("opaque.webp", Pattern(3, 8), 3, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }), 3, 8, Pattern(3, 8));
        var translucent = Pattern(4, 8).Select((v, i) => i % 4 == 3 ? (ushort)(128 + v / 2) : v).ToArray();
        AssertLoads(SaveWith("alpha.webp", translucent, 4, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }), 4, 8, translucent);
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("tiff")]
    public void Animations_and_multi_page_files_are_refused_rather_than_cut_to_their_first_frame(string extension)
    {
        using var image = new Image<Rgba32>(Width, Height, new Rgba32(10, 20, 30));
        using (var second = new Image<Rgba32>(Width, Height, new Rgba32(200, 100, 0)))
            image.Frames.AddFrame(second.Frames.RootFrame);
        var path = Path.Combine(_folder, $"two-frames.{extension}");
        image.Save(path);
        var error = Assert.Throws<NeuralFieldsException>(() => ImageFile.Load(path));
        Assert.Contains("holds 2 frames", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
