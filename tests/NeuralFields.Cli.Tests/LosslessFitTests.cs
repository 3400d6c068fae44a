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
