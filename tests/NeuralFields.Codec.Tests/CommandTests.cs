using System.Buffers.Binary;
using NeuralFields.Signals.Image;

namespace NeuralFields.Codec.Tests;

/// <summary>`nf compress`, `nf info` and `nf decompress` end to end, and their answers to damaged files.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-codec-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_folder, name);

    private string WriteImage(string name, int bits)
    {
        var (info, samples) = CodecSignals.Image(10, 7, 3, bits);
        ImageFile.SavePng(Path(name), new ImageSignal(10, 7, 3, bits, samples));
        return Path(name);
    }

    [Fact]
    public void Compress_info_and_decompress_round_trip_a_16_bit_image_losslessly()
    {
        var image = WriteImage("rgb16.png", 16);
        var compress = Nf.Run("compress", image, "-o", Path("rgb16.nf"), "--lossless", "--steps", "10", "--bits", "6", "--qat-steps", "2",
            "--config", WriteConfig());
        Assert.True(compress.ExitCode == 0, compress.Error + compress.Out);
        Assert.Contains("lossless", compress.Out);

        var info = Nf.Run("info", Path("rgb16.nf"));
        Assert.True(info.ExitCode == 0, info.Error);
        foreach (var text in new[] { "image", "10 x 7", "3 channel(s)", "16-bit", "lossless", "bits per pixel", "decoder version 1", "\"hidden_layers\":2" })
            Assert.Contains(text, info.Out);

        var decompress = Nf.Run("decompress", Path("rgb16.nf"), "-o", Path("back.png"));
        Assert.True(decompress.ExitCode == 0, decompress.Error);
        Assert.Equal(ImageFile.Load(image).Samples, ImageFile.Load(Path("back.png")).Samples);
    }

    [Fact]
    public void Lossy_images_default_to_latent_grids_and_take_one_rate_option()
    {
        var image = WriteImage("rgb8.png", 8);
        var compress = Nf.Run("compress", image, "-o", Path("latent.nf"), "--steps", "20", "--lambda", "1e-3");
        Assert.True(compress.ExitCode == 0, compress.Error + compress.Out);
        var info = Nf.Run("info", Path("latent.nf"));
        Assert.Matches(@"\.nf version [56]\b", info.Out);     // 6 when the codec kept a post filter
        Assert.Contains("multiplications per pixel", info.Out);
        Assert.Equal(0, Nf.Run("decompress", Path("latent.nf"), "-o", Path("latent.png")).ExitCode);
        var decoded = ImageFile.Load(Path("latent.png"));
        Assert.Equal((10, 7, 3, 8), (decoded.Width, decoded.Height, decoded.Channels, decoded.BitDepth));
        foreach (var bad in new[] { new[] { "--quality", "0" }, ["--quality", "50", "--lambda", "1e-3"], ["--lambda", "-1"] })
        {
            var refused = Nf.Run(["compress", image, "-o", Path("bad.nf"), .. bad]);
            Assert.Equal(2, refused.ExitCode);
            Assert.StartsWith("error:", refused.Error.Trim());
            Assert.False(File.Exists(Path("bad.nf")));
        }
    }

    [Fact]
    public void Damaged_files_get_one_error_line_exit_code_2_and_no_output()
    {
        var image = WriteImage("rgb8.png", 8);
        Assert.Equal(0, Nf.Run("compress", image, "-o", Path("ok.nf"), "--steps", "3", "--config", WriteConfig()).ExitCode);
        var valid = File.ReadAllBytes(Path("ok.nf"));

        var cases = new Dictionary<string, (byte[] Bytes, string Message)>
        {
            ["truncated"] = (valid[..(valid.Length - 9)], "truncated"),
            ["corrupt"] = (Flip(valid, valid.Length - 7), "checksum"),
            ["magic"] = ("PK\u0003\u0004 not a neural file at all"u8.ToArray(), "not a neural file"),
            ["version"] = (WithVersion(valid, 42), "version 42"),
            ["absurd"] = (WithDimensions(valid, 200_000, 300_000), "over the limit"),
        };
        foreach (var (name, (bytes, message)) in cases)
        {
            File.WriteAllBytes(Path(name + ".nf"), bytes);
            var output = Path(name + ".png");
            var result = Nf.Run("decompress", Path(name + ".nf"), "-o", output);
            Assert.Equal(2, result.ExitCode);
            var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.StartsWith("error: ", lines[0]);
            Assert.Contains(message, lines[0]);
            Assert.False(File.Exists(output), $"{name}: an output file was left behind");
        }
        Assert.Empty(Directory.GetFiles(_folder, "*.partial"));
        var info = Nf.Run("info", Path("corrupt.nf"));
        Assert.Equal(2, info.ExitCode);
        Assert.StartsWith("error: ", info.Error);
    }

    [Fact]
    public void Unsupported_configs_are_refused_naming_the_components()
    {
        var image = WriteImage("x.png", 8);
        var config = Path("bad.json");
        File.WriteAllText(config, """
            { "encoding": { "type": "shifted_gaussian", "centers": 8, "sigma": 0.1 },
              "network": { "type": "mlp", "hidden_layers": 1, "width": 8, "activation": { "type": "spder" } },
              "head": { "type": "linear" } }
            """);
        var result = Nf.Run("compress", image, "-o", Path("x.nf"), "--config", config);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("shifted_gaussian", result.Error);
        Assert.Contains("spder", result.Error);
        Assert.False(File.Exists(Path("x.nf")));
    }

    private string WriteConfig()
    {
        var path = Path("tiny.json");
        File.WriteAllText(path, """
            { "encoding": { "type": "none" },
              "network": { "type": "mlp", "hidden_layers": 2, "width": 12, "activation": { "type": "sine" } },
              "head": { "type": "linear" },
              "training": { "learning_rate": 1e-3, "steps": 10 } }
            """);
        return path;
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0x40;
        return copy;
    }

    private static byte[] WithVersion(byte[] bytes, ushort version)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(8), version);
        return copy;
    }

    /// <summary>Declares another size and repairs the header checksum, so only the size is wrong.</summary>
    private static byte[] WithDimensions(byte[] bytes, int width, int height)
    {
        var copy = (byte[])bytes.Clone();
        int dims = 16 + 1 + 5 + 1;                       // preamble, modality length, "image", rank
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(dims), (uint)height);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(dims + 4), (uint)width);
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(16 + headerLength), System.IO.Hashing.Crc32.HashToUInt32(copy.AsSpan(0, 16 + headerLength)));
        return copy;
    }
}
