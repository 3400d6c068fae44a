using System.Text.Json;
using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Tests;

public sealed class LosslessFitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-lossless-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (string Path, ImageSignal Image) WriteImage(int size)
    {
        // A smooth ramp with a pseudo-random texture, so that every bit plane carries something.
        var random = new Random(5);
        var samples = new ushort[size * size * 3];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = (ushort)Math.Clamp(40 + 10 * (i / 3 % size) + 7 * (i % 3) + random.Next(-6, 7), 0, 255);
        var image = new ImageSignal(size, size, 3, 8, samples);
        var path = Path.Combine(_folder, "tiny.png");
        ImageFile.SavePng(path, image);
        return (path, image);
    }

    [Fact]
    public void Lossless_fit_decodes_every_sample_and_reports_it()
    {
        var (path, source) = WriteImage(8);
        var outDir = Path.Combine(_folder, "run");
        var fit = Nf.Run("fit", path, "--lossless", "--steps", "3000", "--out", outDir);
        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Contains("lossless: every sample decodes exactly", fit.Out);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        var root = metrics.RootElement;
        Assert.True(root.GetProperty("lossless").GetBoolean());
        int steps = root.GetProperty("steps_to_lossless").GetInt32();
        Assert.InRange(steps, 1, 2999);
        Assert.Equal(steps, root.GetProperty("steps").GetInt32());          // stopped as soon as it was exact
        Assert.True(root.GetProperty("seconds_to_lossless").GetDouble() > 0);
        Assert.Equal("inf", root.GetProperty("psnr").GetString());
        var rates = root.GetProperty("bit_error_rate").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(8, rates.Length);
        Assert.All(rates, r => Assert.Equal(0, r));
        Assert.Equal("bitplane", root.GetProperty("model").GetProperty("head").GetProperty("type").GetString());

        var reconstruction = ImageFile.Load(Path.Combine(outDir, "reconstruction.png"));
        Assert.Equal(source.Samples, reconstruction.Samples);
        Assert.True(new FileInfo(Path.Combine(outDir, "bitplanes.png")).Length > 1000);

        // The checkpoint renders the same integers at the trained resolution.
        var rendered = Path.Combine(_folder, "render.png");
        var render = Nf.Run("render", Path.Combine(outDir, "model.ckpt"), "-o", rendered);
        Assert.True(render.ExitCode == 0, render.Error);
        Assert.Equal(source.Samples, ImageFile.Load(rendered).Samples);
    }

    [Fact]
    public void Lossless_needs_a_bit_plane_head()
    {
        var (path, _) = WriteImage(4);
        var outDir = Path.Combine(_folder, "out");
        var fit = Nf.Run("fit", path, "--lossless", "--preset", "siren", "--out", outDir);
        Assert.Equal(2, fit.ExitCode);
        Assert.Contains("--lossless needs a bit-plane head", fit.Error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_bit_plane_preset_without_lossless_still_plots_its_planes()
    {
        var (path, _) = WriteImage(4);
        var outDir = Path.Combine(_folder, "planes");
        var fit = Nf.Run("fit", path, "--preset", "lossless-coordinate", "--steps", "20", "--out", outDir);
        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.True(File.Exists(Path.Combine(outDir, "bitplanes.png")));
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")));
        Assert.Equal(20, metrics.RootElement.GetProperty("steps").GetInt32());
        Assert.True(metrics.RootElement.TryGetProperty("bit_error_curve", out var curve) && curve.GetArrayLength() > 0);
    }
}
