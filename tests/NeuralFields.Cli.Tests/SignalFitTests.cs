using System.Numerics;
using System.Text.Json;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Cli.Tests;

public sealed class SignalFitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-signal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonElement Metrics(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json"))).RootElement;

    [Fact]
    public void A_sine_sweep_is_fitted_beyond_20_dB_snr_and_written_back_as_16_bit_wav()
    {
        const int rate = 8000, frames = 2000;
        var format = new AudioFormat(rate, 1, 16, false);
        var codes = new uint[frames];
        for (int i = 0; i < frames; i++)
        {
            double t = (double)i / rate;
            double sweep = Math.Sin(2 * Math.PI * (100 * t + 0.5 * 1500 * t * t));   // 100 Hz rising at 1500 Hz/s
            codes[i] = (uint)Math.Round(32768 + 20000 * sweep);
        }
        var clip = Path.Combine(_folder, "sweep.wav");
        WavFile.Save(clip, new AudioSignal(format, frames, codes, null));
        var outDir = Path.Combine(_folder, "audio");

        var fit = Nf.Run("fit", clip, "--steps", "300", "--out", outDir);

        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.True(Metrics(outDir).GetProperty("snr").GetDouble() > 20, fit.Out);
        foreach (var file in new[] { "reconstruction.wav", "waveform.png", "curve.png", "model.ckpt" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), file);
        Assert.Equal(format, WavFile.Load(Path.Combine(outDir, "reconstruction.wav")).Format);
    }

    [Fact]
    public void A_16_bit_clip_is_fitted_losslessly_through_the_bit_plane_head_and_float_clips_are_refused()
    {
        const int rate = 8000, frames = 200;
        var format = new AudioFormat(rate, 1, 16, false);
        var codes = new uint[frames];
        for (int i = 0; i < frames; i++)
            codes[i] = (uint)Math.Round(32768 + 12000 * Math.Sin(2 * Math.PI * 440 * i / rate) + 37 * Math.Cos(i));
        var clip = Path.Combine(_folder, "tone.wav");
        WavFile.Save(clip, new AudioSignal(format, frames, codes, null));
        var outDir = Path.Combine(_folder, "lossless");

        var fit = Nf.Run("fit", clip, "--lossless", "--steps", "1500", "--out", outDir);

        Assert.True(fit.ExitCode == 0, fit.Error);
        Assert.Contains("lossless: every sample decodes exactly", fit.Out);
        Assert.True(Metrics(outDir).GetProperty("lossless").GetBoolean());
        Assert.True(File.Exists(Path.Combine(outDir, "bitplanes.png")));
        Assert.Equal(codes, WavFile.Load(Path.Combine(outDir, "reconstruction.wav")).Codes);   // checked code by code

        var floatClip = Path.Combine(_folder, "float.wav");
        WavFile.Save(floatClip, new AudioSignal(new AudioFormat(rate, 1, 32, true), 10, null, new float[10]));
        var refused = Nf.Run("fit", floatClip, "--lossless", "--out", Path.Combine(_folder, "never"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--lossless needs integer PCM", refused.Error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "never")));
    }

    [Fact]
    public void A_small_sdf_fit_reaches_a_set_iou_and_extracts_a_closed_surface()
    {
        var sphere = Path.Combine(_folder, "sphere.obj");
        File.WriteAllText(sphere, Icosphere());
        var outDir = Path.Combine(_folder, "sdf");
        var config = Path.Combine(_folder, "small-sdf.json");
        File.WriteAllText(config, """
            { "encoding": { "type": "hashgrid", "n_levels": 6, "log2_hashmap_size": 12, "base_resolution": 4, "per_level_scale": 1.5 },
              "network": { "type": "mlp", "hidden_layers": 2, "width": 32, "activation": { "type": "relu" } },
              "head": { "type": "linear", "centered": false },
              "training": { "learning_rate": 1e-2, "batch_size": 4096, "beta2": 0.99, "epsilon": 1e-15, "eval_every": 50 } }
            """);

        var fit = Nf.Run("fit", sphere, "--field", "sdf", "--config", config, "--steps", "150", "--samples", "20000", "--resolution", "32", "--out", outDir);

        Assert.True(fit.ExitCode == 0, fit.Error);
        var metrics = Metrics(outDir);
        Assert.True(metrics.GetProperty("iou").GetDouble() > 0.9, fit.Out);
        Assert.True(metrics.GetProperty("chamfer").GetDouble() < 0.05, fit.Out);
        Assert.True(File.Exists(Path.Combine(outDir, "preview.png")));

        var extracted = Path.Combine(_folder, "surface.obj");
        var extract = Nf.Run("extract", Path.Combine(outDir, "model.ckpt"), "--resolution", "40", "-o", extracted);
        Assert.True(extract.ExitCode == 0, extract.Error);
        var mesh = MeshFile.Load(extracted);
        var lengths = mesh.Vertices.Select(v => v.Length()).ToArray();
        Assert.InRange(lengths.Average(), 0.9, 1.1);     // the source sphere has radius 1 in its own units
    }

    /// <summary>A unit icosphere (two subdivisions) as OBJ text.</summary>
    private static string Icosphere()
    {
        float g = (1 + MathF.Sqrt(5)) / 2;
        var v = new List<Vector3> { new(-1, g, 0), new(1, g, 0), new(-1, -g, 0), new(1, -g, 0), new(0, -1, g), new(0, 1, g), new(0, -1, -g), new(0, 1, -g), new(g, 0, -1), new(g, 0, 1), new(-g, 0, -1), new(-g, 0, 1) };
        var f = new List<(int, int, int)> { (0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4), (11, 10, 2), (10, 7, 6), (7, 1, 8),
            (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8), (3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1) };
        for (int s = 0; s < 2; s++)
        {
            var cache = new Dictionary<(int, int), int>();
            int Mid(int a, int b)
            {
                var key = a < b ? (a, b) : (b, a);
                if (!cache.TryGetValue(key, out int m)) { v.Add((v[a] + v[b]) / 2); m = cache[key] = v.Count - 1; }
                return m;
            }
            f = f.SelectMany(t => { int a = Mid(t.Item1, t.Item2), b = Mid(t.Item2, t.Item3), c = Mid(t.Item3, t.Item1); return new[] { (t.Item1, a, c), (t.Item2, b, a), (t.Item3, c, b), (a, b, c) }; }).ToList();
        }
        var text = new System.Text.StringBuilder();
        foreach (var p in v.Select(Vector3.Normalize)) text.AppendLine(FormattableString.Invariant($"v {p.X} {p.Y} {p.Z}"));
        foreach (var (a, b, c) in f) text.AppendLine($"f {a + 1} {b + 1} {c + 1}");
        return text.ToString();
    }
}
