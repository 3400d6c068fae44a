using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Signals.Tests;

public sealed class ImageFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-image-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ImageSignal Pattern(int channels, int bits, int width = 7, int height = 5)
    {
        int max = (1 << bits) - 1;
        var samples = new ushort[width * height * channels];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = (ushort)((i * 7919L + i * i * 31L) % (max + 1));   // every bit plane exercised
        samples[0] = 0;
        samples[^1] = (ushort)max;
        return new ImageSignal(width, height, channels, bits, samples);
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(1, 16)]
    [InlineData(2, 8)]
    [InlineData(2, 16)]
    [InlineData(3, 8)]
    [InlineData(3, 16)]
    [InlineData(4, 8)]
    [InlineData(4, 16)]
    public void Png_round_trip_is_exact_at_the_source_depth_and_channels(int channels, int bits)
    {
        var original = Pattern(channels, bits);
        var path = Path.Combine(_folder, $"c{channels}b{bits}.png");
        ImageFile.SavePng(path, original);
        var back = ImageFile.Load(path);
        Assert.Equal((original.Width, original.Height, original.Channels, original.BitDepth), (back.Width, back.Height, back.Channels, back.BitDepth));
        Assert.Equal(original.Samples, back.Samples);
    }

    [Fact]
    public void Sixteen_bit_values_map_to_unit_range_without_loss()
    {
        var original = Pattern(1, 16, 64, 64);
        var values = original.Values();
        Assert.Equal(0f, values[0]);
        Assert.Equal(1f, values[^1]);
        var back = ImageSignal.FromValues(values, 64, 64, 1, 16);
        Assert.Equal(original.Samples, back.Samples);
    }

    [Fact]
    public void Alpha_can_be_kept_dropped_or_composited_over_white()
    {
        var rgba = new ImageSignal(2, 1, 4, 8, [10, 20, 30, 255, 200, 100, 0, 0]);
        var path = Path.Combine(_folder, "alpha.png");
        ImageFile.SavePng(path, rgba);
        Assert.Equal(rgba.Samples, ImageFile.Load(path, AlphaMode.Keep).Samples);
        Assert.Equal(new ushort[] { 10, 20, 30, 200, 100, 0 }, ImageFile.Load(path, AlphaMode.Drop).Samples);
        Assert.Equal(new ushort[] { 10, 20, 30, 255, 255, 255 }, ImageFile.Load(path, AlphaMode.White).Samples);
    }

    [Fact]
    public void Images_over_the_pixel_limit_are_refused_before_decoding()
    {
        var path = Path.Combine(_folder, "big.png");
        ImageFile.SavePng(path, Pattern(3, 8, 40, 30));
        var error = Assert.Throws<NeuralFieldsException>(() => ImageFile.Load(path, maxPixels: 1000));
        Assert.Contains("40x30", error.Message);
        Assert.Contains("over the limit", error.Message);
    }

    [Fact]
    public void Missing_and_corrupt_files_give_clear_errors()
    {
        Assert.Contains("image not found", Assert.Throws<NeuralFieldsException>(() => ImageFile.Load(Path.Combine(_folder, "none.png"))).Message);
        var text = Path.Combine(_folder, "text.png");
        File.WriteAllText(text, "this is not an image");
        Assert.Contains("not an image", Assert.Throws<NeuralFieldsException>(() => ImageFile.Load(text)).Message);
        var truncated = Path.Combine(_folder, "truncated.png");
        ImageFile.SavePng(truncated, Pattern(3, 8, 64, 64));
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        Assert.Throws<NeuralFieldsException>(() => ImageFile.Load(truncated));
    }
}
