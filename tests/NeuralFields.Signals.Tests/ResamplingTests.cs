using NeuralFields.Signals.Image;
using SixLabors.ImageSharp.Processing;

namespace NeuralFields.Signals.Tests;

public sealed class ResamplingTests
{
    private static ImageSignal Gray(int width, params int[] samples) =>
        new(width, samples.Length / width, 1, 8, samples.Select(s => (ushort)s).ToArray());

    [Fact]
    public void Box_downsampling_by_two_averages_each_2x2_block_and_rounds()
    {
        var image = Gray(4,
            0, 2, 10, 20,
            4, 6, 30, 41);
        var small = AreaDownsampling.Downsample(image, 2);
        Assert.Equal((2, 1), (small.Width, small.Height));
        Assert.Equal(new ushort[] { 3, 25 }, small.Samples);   // (0+2+4+6)/4 = 3; (10+20+30+41)/4 = 25.25
    }

    [Fact]
    public void Box_downsampling_keeps_channels_apart()
    {
        // 2x2 RGB: red channel 0,4,8,12 -> 6; green constant 100; blue 255,255,0,0 -> 127.5 -> 128 (to even)
        var image = new ImageSignal(2, 2, 3, 8, [0, 100, 255, 4, 100, 255, 8, 100, 0, 12, 100, 0]);
        Assert.Equal(new ushort[] { 6, 100, 128 }, AreaDownsampling.Downsample(image, 2).Samples);
    }

    [Fact]
    public void Cropping_to_a_multiple_is_centred_and_downsampling_needs_it()
    {
        var samples = Enumerable.Range(0, 100).Select(i => (ushort)i).ToArray();
        var image = new ImageSignal(10, 10, 1, 8, samples);
        var cropped = AreaDownsampling.CropToMultiple(image, 4);
        Assert.Equal((8, 8), (cropped.Width, cropped.Height));
        Assert.Equal(11, cropped.Samples[0]);   // starts at (1, 1)
        Assert.Throws<ArgumentException>(() => AreaDownsampling.Downsample(image, 4));
    }

    [Fact]
    public void Replication_makes_factor_by_factor_blocks()
    {
        var big = AreaDownsampling.Replicate(Gray(2, 1, 2, 3, 4), 2);
        Assert.Equal(new ushort[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, big.Samples);
    }

    public static TheoryData<string> Samplers() => ["bicubic", "lanczos3"];

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Upsampling_a_constant_image_gives_the_same_constant(string name)
    {
        var sampler = name == "bicubic" ? KnownResamplers.Bicubic : KnownResamplers.Lanczos3;
        var rgb = new ImageSignal(6, 5, 3, 8, Enumerable.Range(0, 30).SelectMany(_ => new ushort[] { 100, 150, 200 }).ToArray());
        var big = ImageResampling.Resize(rgb, 24, 20, sampler);
        Assert.Equal((24, 20, 3, 8), (big.Width, big.Height, big.Channels, big.BitDepth));
        Assert.Equal(rgb.Samples.Take(3), big.Samples.Take(3));
        Assert.All(big.Samples.Chunk(3), p => Assert.Equal(new ushort[] { 100, 150, 200 }, p));

        var gray16 = new ImageSignal(5, 4, 1, 16, Enumerable.Repeat((ushort)40_000, 20).ToArray());
        Assert.All(ImageResampling.Resize(gray16, 10, 8, sampler).Samples, s => Assert.Equal(40_000, s));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Upsampling_a_ramp_stays_between_its_ends_and_increasing(string name)
    {
        var sampler = name == "bicubic" ? KnownResamplers.Bicubic : KnownResamplers.Lanczos3;
        var ramp = Gray(8, 0, 32, 64, 96, 128, 160, 192, 224);
        var row = ImageResampling.Resize(ramp, 32, 1, sampler).Samples;
        for (int i = 1; i < row.Length; i++) Assert.True(row[i] >= row[i - 1], $"not increasing at {i}: {string.Join(",", row)}");
        Assert.InRange(row[16], 112, 128);   // the middle of the ramp stays the middle
    }
}
