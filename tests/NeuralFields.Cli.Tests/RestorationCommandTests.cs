using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Tests;

public sealed class RestorationCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-restore-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A smooth colour pattern: something a small field fits in a few hundred steps.</summary>
    internal static ImageSignal Smooth(int width, int height, int channels = 3, double phase = 0)
    {
        var samples = new ushort[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    samples[(y * width + x) * channels + c] = (ushort)Math.Round(255 * (0.5 + 0.4 * Math.Sin(0.35 * x + 0.25 * y + 1.3 * c + phase)));
        return new ImageSignal(width, height, channels, 8, samples);
    }

    private string Save(string name, ImageSignal image)
    {
        var path = Path.Combine(_folder, name);
        ImageFile.SavePng(path, image);
        return path;
    }

    [Fact]
    public void Superres_renders_the_field_scale_times_larger()
    {
        var image = Save("small.png", Smooth(12, 10));
        var output = Path.Combine(_folder, "big.png");
        var run = Nf.Run("superres", image, "--scale", "3", "-o", output, "--preset", "relu-pe", "--steps", "20");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("36x30 (x3)", run.Out);
        var big = ImageFile.Load(output);
        Assert.Equal((36, 30, 3, 8), (big.Width, big.Height, big.Channels, big.BitDepth));
    }

    [Fact]
    public void Inpainting_fits_the_known_pixels_closely_and_fills_the_rest()
    {
        var truth = Smooth(16, 16);
        var image = Save("image.png", truth);
        var known = SyntheticMasks.RandomPixels(16, 16, 0.6, 5);
        var mask = Save("mask.png", known.ToImage());
        var output = Path.Combine(_folder, "filled.png");
        var run = Nf.Run("inpaint", image, "--mask", mask, "-o", output, "--preset", "relu-rff", "--steps", "100");
        Assert.True(run.ExitCode == 0, run.Error);

        var filled = ImageFile.Load(output);
        Assert.Equal((16, 16, 3, 8), (filled.Width, filled.Height, filled.Channels, filled.BitDepth));
        double knownError = 0, missingError = 0, blackError = 0;
        for (int p = 0; p < 256; p++)
            for (int c = 0; c < 3; c++)
            {
                double d = Math.Abs(filled.Samples[p * 3 + c] - truth.Samples[p * 3 + c]);
                if (known.Known[p]) knownError += d;
                else (missingError, blackError) = (missingError + d, blackError + truth.Samples[p * 3 + c]);
            }
        knownError /= 3 * known.KnownCount;
        Assert.True(knownError < 4, $"known pixels are off by {knownError:F2} levels on average");
        // The missing ones are rendered by the field, not left as the black the mask made them.
        Assert.True(missingError < 0.8 * blackError, $"missing pixels are off by {missingError / (3 * (256 - known.KnownCount)):F2} levels on average");
    }

    public static TheoryData<string, string[]> BadInputs() => new()
    {
        { "image not found", ["superres", "{dir}/missing.png", "--scale", "2", "-o", "{dir}/out.png"] },
        { "--scale must be a whole number from 2 to 64, got '1'", ["superres", "{img}", "--scale", "1", "-o", "{dir}/out.png"] },
        { "got '2.5'", ["superres", "{img}", "--scale", "2.5", "-o", "{dir}/out.png"] },
        { "got 'two'", ["superres", "{img}", "--scale", "two", "-o", "{dir}/out.png"] },
        { "over the limit", ["superres", "{img}", "--scale", "8", "--max-pixels", "1000", "-o", "{dir}/out.png"] },
        { "mask not found", ["inpaint", "{img}", "--mask", "{dir}/none.png", "-o", "{dir}/out.png"] },
        { "is 4x4 but small.png is 8x8", ["inpaint", "{img}", "--mask", "{dir}/mask4.png", "-o", "{dir}/out.png"] },
        { "keeps no pixel", ["inpaint", "{img}", "--mask", "{dir}/black.png", "-o", "{dir}/out.png"] },
        { "image not found", ["inpaint", "{dir}/missing.png", "--mask", "{dir}/black.png", "-o", "{dir}/out.png"] },
        { "image folder not found", ["experiment", "superres", "--images", "{dir}/nothing", "--out", "{dir}/out"] },
        { "no images in", ["experiment", "inpaint", "--images", "{dir}/empty", "--out", "{dir}/out"] },
        { "--scale must be a whole number", ["experiment", "superres", "--images", "{dir}/imgs", "--scale", "2,0", "--out", "{dir}/out"] },
        { "smaller than the scale 16", ["experiment", "superres", "--images", "{dir}/imgs", "--scale", "16", "--out", "{dir}/out"] },
        { "unknown mask 'circle'", ["experiment", "inpaint", "--images", "{dir}/imgs", "--masks", "random:0.5,circle", "--out", "{dir}/out"] },
        { "unknown preset 'fancy'", ["experiment", "inpaint", "--images", "{dir}/imgs", "--presets", "siren,fancy", "--out", "{dir}/out"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_one_error_line_exit_2_and_writes_nothing(string expected, string[] args)
    {
        var image = Save("small.png", Smooth(8, 8));
        Save("mask4.png", new PixelMask(4, 4, Enumerable.Repeat(true, 16).ToArray()).ToImage());
        Save("black.png", new PixelMask(8, 8, new bool[64]).ToImage());
        Directory.CreateDirectory(Path.Combine(_folder, "empty"));
        Directory.CreateDirectory(Path.Combine(_folder, "imgs"));
        ImageFile.SavePng(Path.Combine(_folder, "imgs", "a.png"), Smooth(8, 8));
        var resolved = args.Select(a => a.Replace("{dir}", _folder).Replace("{img}", image)).ToArray();

        var result = Nf.Run(resolved);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("error: ", result.Error);
        Assert.False(File.Exists(Path.Combine(_folder, "out.png")));
        Assert.False(Directory.Exists(Path.Combine(_folder, "out")));
    }
}
