using System.Text.Json;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Tests;

public sealed class FitCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteImage(string name, int width, int height, int channels, int bits)
    {
        int max = (1 << bits) - 1;
        var samples = new ushort[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    samples[(y * width + x) * channels + c] = (ushort)(max * (0.5 + 0.5 * Math.Sin(0.4 * x + 0.3 * y + c)));
        var path = Path.Combine(_folder, name);
        ImageFile.SavePng(path, new ImageSignal(width, height, channels, bits, samples));
        return path;
    }

    /// <summary>Runs <c>nf fit IMAGE OPTIONS --out RUN</c> into a run folder of the test folder and requires it to succeed.</summary>
    private (Nf.Result Fit, string OutDir) Fit(string image, string run, params string[] options)
    {
        var outDir = Path.Combine(_folder, run);
        var fit = Nf.Run(["fit", image, .. options, "--out", outDir]);
        Assert.True(fit.ExitCode == 0, fit.Error);
        return (fit, outDir);
    }

    [Fact]
    public void Fit_writes_every_output_and_render_works_at_another_size()
    {
        var image = WriteImage("rgb.png", 20, 16, 3, 8);
        var (fit, outDir) = Fit(image, "run", "--preset", "relu-pe", "--steps", "30", "--seed", "3");
        Assert.Contains("PSNR", fit.Out);
        foreach (var file in new[] { "reconstruction.png", "metrics.json", "curve.png", "model.ckpt" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing");
        Assert.Empty(Directory.GetDirectories(_folder, ".*partial*"));

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var root = metrics.RootElement;
        foreach (var key in new[] { "psnr", "ssim", "steps", "seconds", "samples_per_second", "parameters" })
            Assert.True(root.TryGetProperty(key, out _), $"metrics.json lacks {key}");
        Assert.Equal(30, root.GetProperty("steps").GetInt32());
        Assert.Equal("torch", root.GetProperty("training_step").GetString());   // positional encoding: the fused step has none
        Assert.InRange(root.GetProperty("psnr").GetDouble(), 10, 99);

        var reconstruction = ImageFile.Load(Path.Combine(outDir, "reconstruction.png"));
        Assert.Equal((20, 16, 3, 8), (reconstruction.Width, reconstruction.Height, reconstruction.Channels, reconstruction.BitDepth));

        var rendered = Path.Combine(_folder, "big.png");
        var render = Nf.Run("render", Path.Combine(outDir, "model.ckpt"), "--width", "40", "--height", "32", "-o", rendered);
        Assert.True(render.ExitCode == 0, render.Error);
        var big = ImageFile.Load(rendered);
        Assert.Equal((40, 32, 3), (big.Width, big.Height, big.Channels));
    }

    [Fact]
    public void Sixteen_bit_gray_is_fitted_and_written_back_at_sixteen_bits()
    {
        var image = WriteImage("gray16.png", 12, 12, 1, 16);
        var (_, outDir) = Fit(image, "g16", "--preset", "siren", "--steps", "10");
        var reconstruction = ImageFile.Load(Path.Combine(outDir, "reconstruction.png"));
        Assert.Equal((1, 16), (reconstruction.Channels, reconstruction.BitDepth));
    }

    public static TheoryData<string, string[]> BadInputs() => new()
    {
        { "image not found", ["fit", "{dir}/missing.png", "--out", "{dir}/out"] },
        { "unknown preset 'fancy'", ["fit", "{img}", "--preset", "fancy", "--out", "{dir}/out"] },
        { "over the limit", ["fit", "{img}", "--max-pixels", "10", "--out", "{dir}/out"] },
        { "config not found", ["fit", "{img}", "--config", "{dir}/none.json", "--out", "{dir}/out"] },
        { "unknown network type 'transformer'", ["fit", "{img}", "--config", "{dir}/bad-type.json", "--out", "{dir}/out"] },
        { "missing required field 'width'", ["fit", "{img}", "--config", "{dir}/missing.json", "--out", "{dir}/out"] },
        { "--steps must be positive", ["fit", "{img}", "--steps", "0", "--out", "{dir}/out"] },
        { "--target-psnr must be a number from 0 to 1000, got NaN", ["fit", "{img}", "--target-psnr", "NaN", "--out", "{dir}/out"] },
        { "--target-psnr must be a number from 0 to 1000, got Infinity", ["fit", "{img}", "--target-psnr", "Infinity", "--out", "{dir}/out"] },
        { "--elevation must be a number from -89 to 89, got 90", ["render", "{img}", "--elevation", "90", "-o", "{dir}/out.png"] },
        { "training.learning_rate must not be above 1, got 1E+300", ["fit", "{img}", "--config", "{dir}/absurd.json", "--out", "{dir}/out"] },
        { "not a NeuralFields checkpoint", ["render", "{img}", "-o", "{dir}/out.png"] },
        { "is not an image", ["fit", "{dir}/bad-type.json", "--out", "{dir}/out"] },
        { "--steps expects a whole number, got 'many'", ["fit", "{img}", "--steps", "many", "--out", "{dir}/out"] },
        { "Unrecognized command or argument '--stepz'", ["fit", "{img}", "--stepz", "5", "--out", "{dir}/out"] },
        { "Required argument missing", ["fit", "--out", "{dir}/out"] },
        // An output never replaces an input, and is checked before any work (issue 13 items 7, 13).
        { "would replace the source", ["compress", "{img}", "-o", "{img}", "--steps", "1"] },
        { "would replace the source", ["render", "{img}", "-o", "{img}"] },
        { "would replace the source", ["superres", "{img}", "--scale", "2", "-o", "{img}", "--steps", "1"] },
        { "is a file; the output must be a folder", ["fit", "{img}", "--out", "{img}", "--steps", "1"] },
        { "is a folder; give the output a file name", ["compress", "{img}", "-o", "{dir}", "--steps", "1"] },
        { "--preset auto sizes a hash grid for an image or a clip", ["compress", "{img}", "--preset", "auto", "-o", "{dir}/x.nf", "--steps", "1"] },
    };

    [Fact]
    public void Preset_auto_names_the_default_hash_grid_sized_for_the_image_or_clip()
    {
        var image = WriteImage("auto.png", 24, 16, 3, 8);
        var (fit, outDir) = Fit(image, "auto", "--preset", "auto", "--steps", "3");
        Assert.Contains("model: auto (auto for 24x16: hash grid 16 levels x 2, 2^14 entries, finest level 24 px", fit.Out + fit.Error);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal("auto", metrics.RootElement.GetProperty("config").GetString());

        var clip = Path.Combine(_folder, "auto.wav");
        WavFile.Save(clip, new AudioSignal(new AudioFormat(8000, 1, 16, false), 400, Enumerable.Range(0, 400).Select(i => (uint)(32768 + 8000 * Math.Sin(0.1 * i))).ToArray(), null));
        var (clipFit, _) = Fit(clip, "auto-clip", "--preset", "auto", "--steps", "3");
        Assert.Contains("model: auto (auto for 400 samples: hash grid 16 levels x 2, 2^14 entries, finest level 400 samples", clipFit.Out + clipFit.Error);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_one_clear_line_a_nonzero_exit_and_no_output(string expected, string[] args)
    {
        var image = WriteImage("small.png", 8, 8, 3, 8);
        File.WriteAllText(Path.Combine(_folder, "bad-type.json"),
            """{"encoding":{"type":"none"},"network":{"type":"transformer"},"head":{"type":"linear"}}""");
        File.WriteAllText(Path.Combine(_folder, "missing.json"),
            """{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":2,"activation":{"type":"relu"}},"head":{"type":"linear"}}""");
        File.WriteAllText(Path.Combine(_folder, "absurd.json"),
            """{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"relu"}},"head":{"type":"linear"},"training":{"learning_rate":1e300}}""");
        var resolved = args.Select(a => a.Replace("{dir}", _folder).Replace("{img}", image)).ToArray();

        var result = Nf.Run(resolved);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("error: ", result.Error);
        Assert.DoesNotContain(" at ", result.Error);     // no stack trace
        Assert.False(Directory.Exists(Path.Combine(_folder, "out")));
        Assert.False(File.Exists(Path.Combine(_folder, "out.png")));
        Assert.Empty(Directory.GetDirectories(_folder, ".*partial*"));
    }

    [Fact]
    public void Help_lists_every_option_with_its_default()
    {
        var help = Nf.Run("fit", "--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var option in new[] { "--preset", "--config", "--steps", "--target-psnr", "--seed", "--out", "--resume", "--alpha", "--max-pixels", "--memory", "--time" })
            Assert.Contains(option, help.Out);
        Assert.Contains("[default: 0]", help.Out);
        Assert.Contains("[default: images and WAV: auto", help.Out);
    }
}
