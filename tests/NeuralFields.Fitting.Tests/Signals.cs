using System.Numerics;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Tests;

/// <summary>Small signals and models made in code (the tests never need ../shared/data).</summary>
internal static class Signals
{
    /// <summary>A smooth RGB image with an edge, 8-bit.</summary>
    public static ImageSignal Image(int width, int height, int channels = 3, int bitDepth = 8)
    {
        int max = (1 << bitDepth) - 1;
        var samples = new ushort[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    double u = (x + 0.5) / width, v = (y + 0.5) / height;
                    double value = c switch { 0 => 0.2 + 0.6 * u, 1 => (u - 0.6) * (u - 0.6) + (v - 0.4) * (v - 0.4) < 0.06 ? 0.9 : 0.3 * v, _ => 0.5 + 0.4 * Math.Sin(6 * u) * Math.Cos(4 * v) };
                    samples[(y * width + x) * channels + c] = (ushort)Math.Round(value * max);
                }
        return new ImageSignal(width, height, channels, bitDepth, samples);
    }

    /// <summary>A small hash grid + ReLU model that fits tiny images in a few dozen steps.</summary>
    public static FieldConfig HashGrid(string head = "sigmoid", int steps = 100) => ConfigJson.Parse($$"""
        { "encoding": { "type": "hashgrid", "n_levels": 6, "log2_hashmap_size": 10, "base_resolution": 4, "per_level_scale": 1.5 },
          "network": { "type": "mlp", "hidden_layers": 1, "width": 32, "activation": { "type": "relu" } },
          "head": { "type": "{{head}}" },
          "training": { "learning_rate": 1e-2, "steps": {{steps}}, "beta2": 0.99, "epsilon": 1e-15, "eval_every": 1 } }
        """);

    /// <summary>A 16-bit PCM sine sweep.</summary>
    public static AudioSignal Sweep(int rate, int frames)
    {
        var codes = new uint[frames];
        for (int i = 0; i < frames; i++)
        {
            double t = (double)i / rate;
            codes[i] = (uint)Math.Round(32768 + 20000 * Math.Sin(2 * Math.PI * (100 * t + 0.5 * 1500 * t * t)));
        }
        return new AudioSignal(new AudioFormat(rate, 1, 16, false), frames, codes, null);
    }

    /// <summary>A unit icosphere (two subdivisions) as OBJ text.</summary>
    public static string Icosphere()
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
