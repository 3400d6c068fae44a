using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Codec.Predictive;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Schema;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Image;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuralFields.Codec.Tests;

/// <summary>Predictive lossless files (format 4) made by training: exact round trips, the PNG bound, the CLI.</summary>
public sealed class PredictiveLosslessTests : IDisposable
{
    private static readonly PredictiveOptions Quick = new() { Steps = 30, TrainingSamples = 2000, Seed = 3 };

    private readonly string _folder = Directory.CreateTempSubdirectory("nf-predictive-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_folder, name);

    [Theory]
    [InlineData(24, 20, 3, 8)]
    [InlineData(19, 13, 1, 16)]
    [InlineData(12, 10, 4, 8)]
    [InlineData(11, 9, 2, 16)]
    [InlineData(9, 7, 3, 16)]
    public void Images_round_trip_exactly_and_the_network_mode_is_tried(int width, int height, int channels, int bits)
    {
        var (info, samples) = CodecSignals.Image(width, height, channels, bits);
        var result = PredictiveCompressor.Compress(info, samples, Quick with { AlwaysTrain = true });
        Assert.Equal(samples, FieldDecoder.Decode(result.File).Samples);
        Assert.Equal(samples, result.Decoded.Samples);
        foreach (var size in Quick.Networks)
            Assert.Contains(result.Candidates, c => c.Mode.StartsWith($"network {size} ", StringComparison.Ordinal));
        Assert.Contains(result.Candidates, c => c.Mode.Contains("mixed", StringComparison.Ordinal));
        Assert.Equal(result.Candidates.Min(c => c.Bytes), result.File.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Pcm_clips_round_trip_exactly(int channels)
    {
        var clip = System.IO.Path.Combine(_folder, "clip.wav");
        var format = new AudioFormat(8000, channels, 16, false);
        var values = Enumerable.Range(0, 2000 * channels).Select(i => 0.5f + 0.3f * MathF.Sin(i * 0.021f) + 0.05f * MathF.Sin(i * 0.07f)).ToArray();
        WavFile.Save(clip, AudioSignal.FromValues(values, format));
        var loaded = new AudioModality().Load(clip, new LoadOptions());
        var result = PredictiveCompressor.Compress(loaded.Info, loaded.Samples, Quick, loaded.Attributes);
        Assert.Equal(loaded.Samples, PredictiveFile.Decode(result.File).Samples);
        Assert.True(result.File.Length * 8.0 / (2000 * channels) < 12, $"{result.File.Length} bytes for a smooth clip");
    }

    [Fact]
    public void A_16x16_image_and_a_flat_image_are_never_larger_than_png_at_maximum_compression()
    {
        var (info, noisy) = CodecSignals.Image(16, 16, 3, 8);
        var random = new PortableRandom(5);
        for (int i = 0; i < noisy.Length; i++) noisy[i] = (ushort)(random.NextUInt64() & 255);
        var flat = Enumerable.Repeat((ushort)200, 16 * 16 * 3).ToArray();
        // A photo-like crop: the smooth pattern with sensor-like noise of about 2 levels.
        var (_, photo) = CodecSignals.Image(16, 16, 3, 8);
        for (int i = 0; i < photo.Length; i++) photo[i] = (ushort)Math.Clamp(photo[i] + Math.Round(2 * random.NextGaussian()), 0, 255);
        foreach (var samples in new[] { noisy, flat, photo })
        {
            var result = PredictiveCompressor.Compress(info, samples, Quick);
            long png = PngBytes(samples, 16, 16);
            Assert.True(result.File.Length <= png, $"{result.File.Length} bytes against PNG's {png}: {string.Join(", ", result.Candidates)}");
            Assert.Equal(samples, result.Decoded.Samples);
        }
        var big = Enumerable.Repeat((ushort)7, 300 * 200).ToArray();
        var flatGray = PredictiveCompressor.Compress(new SignalInfo("image", [200, 300], 1, 8), big, Quick);
        Assert.True(flatGray.File.Length <= PngBytes(big, 300, 200, gray: true), $"{flatGray.File.Length} bytes for a flat 300x200 image");
    }

    /// <summary>16×16 images a PNG encoder handles well: flat, gradients, tiles, a checkerboard, noise.</summary>
    private static ushort[] Tiny(string kind, int channels, int bits)
    {
        int max = (1 << bits) - 1;
        var random = new PortableRandom(11);
        var tile = Enumerable.Range(0, 16 * channels).Select(_ => (ushort)(random.NextUInt64() & (ulong)max)).ToArray();
        var samples = new ushort[16 * 16 * channels];
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                for (int c = 0; c < channels; c++)
                    samples[(y * 16 + x) * channels + c] = kind switch
                    {
                        "flat" => (ushort)(max / 3 + c),
                        "gradient" => (ushort)((x * (max / 15) + c * y * (max / 40)) & max),
                        "tile" => tile[((y % 4) * 4 + x % 4) * channels + c],
                        "checker" => (ushort)((x + y + c) % 2 * max),
                        _ => (ushort)(random.NextUInt64() & (ulong)max),
                    };
        return samples;
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(2, 8)]
    [InlineData(3, 8)]
    [InlineData(4, 8)]
    [InlineData(1, 16)]
    [InlineData(2, 16)]
    [InlineData(3, 16)]
    [InlineData(4, 16)]
    public void Tiny_images_are_never_larger_than_png_and_train_no_network(int channels, int bits)
    {
        var info = new SignalInfo("image", [16, 16], channels, bits);
        foreach (var kind in new[] { "flat", "gradient", "tile", "checker", "noise" })
        {
            var samples = Tiny(kind, channels, bits);
            var result = PredictiveCompressor.Compress(info, samples, new PredictiveOptions());      // the defaults: 4000 steps if it trained
            long png = PngBytes(samples, 16, 16, channels, bits);
            Assert.True(result.File.Length <= png, $"{kind}: {result.File.Length} bytes against PNG's {png}: {string.Join(", ", result.Candidates)}");
            Assert.DoesNotContain(result.Candidates, c => c.Mode.StartsWith("network", StringComparison.Ordinal));
            Assert.Equal(samples, FieldDecoder.Decode(result.File).Samples);
        }
    }

    [Fact]
    public void The_matches_mode_wins_where_rows_repeat()
    {
        var info = new SignalInfo("image", [64, 64], 3, 8);
        var tile = Tiny("tile", 3, 8);
        var samples = new ushort[64 * 64 * 3];
        for (int i = 0; i < 64 * 64; i++)
            for (int c = 0; c < 3; c++) samples[i * 3 + c] = tile[((i / 64 % 16) * 16 + i % 16) * 3 + c];
        var result = PredictiveCompressor.Compress(info, samples, Quick);
        Assert.Equal(PredictiveMode.Matches, result.Header.Mode);
        Assert.True(result.File.Length < PngBytes(samples, 64, 64, 3, 8) * 0.9, $"{result.File.Length} bytes: {string.Join(", ", result.Candidates)}");
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var (info, samples) = CodecSignals.Image(20, 16, 3, 8);
        Assert.Equal(PredictiveCompressor.Compress(info, samples, Quick with { AlwaysTrain = true }).File, PredictiveCompressor.Compress(info, samples, Quick with { AlwaysTrain = true }).File);
    }

    [Fact]
    public void Nf_compress_lossless_writes_a_format_4_file_that_info_describes_and_decompress_restores()
    {
        var (info, samples) = CodecSignals.Image(14, 9, 4, 8);
        var image = Path("rgba.png");
        ImageFile.SavePng(image, new ImageSignal(14, 9, 4, 8, samples));
        var compress = Nf.Run("compress", image, "-o", Path("rgba.nf"), "--lossless", "--steps", "20");
        Assert.True(compress.ExitCode == 0, compress.Error + compress.Out);
        Assert.Contains("verified on all", compress.Out);
        var described = Nf.Run("info", Path("rgba.nf"));
        Assert.True(described.ExitCode == 0, described.Error);
        foreach (var text in new[] { ".nf version 4", "14 x 9", "4 channel(s)", "lossless", "samples" })
            Assert.Contains(text, described.Out);
        Assert.Equal(0, Nf.Run("decompress", Path("rgba.nf"), "-o", Path("back.png")).ExitCode);
        Assert.Equal(samples, ImageFile.Load(Path("back.png")).Samples);

        var bytes = File.ReadAllBytes(Path("rgba.nf"));
        File.WriteAllBytes(Path("cut.nf"), bytes[..^5]);
        var cut = Nf.Run("decompress", Path("cut.nf"), "-o", Path("cut.png"));
        Assert.Equal(2, cut.ExitCode);
        Assert.Contains("truncated", cut.Error);
        Assert.False(File.Exists(Path("cut.png")));
        Assert.Equal(2, Nf.Run("info", Path("cut.nf")).ExitCode);
    }

    /// <summary>The bytes of a PNG at zlib level 9 with adaptive filters (the best ImageSharp writes).</summary>
    private static long PngBytes(ushort[] samples, int width, int height, bool gray = false) => PngBytes(samples, width, height, gray ? 1 : 3, 8);

    /// <summary>The same for gray, gray + alpha, RGB and RGBA at 8 or 16 bits.</summary>
    private static long PngBytes(ushort[] samples, int width, int height, int channels, int bits)
    {
        using var stream = new MemoryStream();
        var encoder = new PngEncoder
        {
            CompressionLevel = PngCompressionLevel.BestCompression,
            FilterMethod = PngFilterMethod.Adaptive,
            ColorType = channels switch { 1 => PngColorType.Grayscale, 2 => PngColorType.GrayscaleWithAlpha, 3 => PngColorType.Rgb, _ => PngColorType.RgbWithAlpha },
            BitDepth = bits == 16 ? PngBitDepth.Bit16 : PngBitDepth.Bit8,
        };
        ushort S(int i, int c) => samples[i * channels + c];
        using Image image = (channels, bits) switch
        {
            (1, 8) => Pixels(width, height, i => new L8((byte)S(i, 0))),
            (2, 8) => Pixels(width, height, i => new La16((byte)S(i, 0), (byte)S(i, 1))),
            (3, 8) => Pixels(width, height, i => new Rgb24((byte)S(i, 0), (byte)S(i, 1), (byte)S(i, 2))),
            (4, 8) => Pixels(width, height, i => new Rgba32((byte)S(i, 0), (byte)S(i, 1), (byte)S(i, 2), (byte)S(i, 3))),
            (1, _) => Pixels(width, height, i => new L16(S(i, 0))),
            (2, _) => Pixels(width, height, i => new La32(S(i, 0), S(i, 1))),
            (3, _) => Pixels(width, height, i => new Rgb48(S(i, 0), S(i, 1), S(i, 2))),
            _ => Pixels(width, height, i => new Rgba64(S(i, 0), S(i, 1), S(i, 2), S(i, 3))),
        };
        image.Save(stream, encoder);
        return stream.Length;
    }

    private static Image<T> Pixels<T>(int width, int height, Func<int, T> pixel) where T : unmanaged, IPixel<T> =>
        Image.LoadPixelData(Enumerable.Range(0, width * height).Select(pixel).ToArray(), width, height);
}
