using System.Globalization;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>
/// `nf-bench memory [--nf PATH/nf.dll]`: the memory estimate every fit is planned against, next to the peak resident
/// memory of `nf fit` running that config for three steps on a 512x512 image in a process of its own.
/// </summary>
internal static class MemoryBenchmark
{
    private static readonly (string Name, string Json)[] Configs =
    [
        ("relu 3x256, batch 16384", Mlp("relu", 16384)),
        ("sine 3x256, batch 32768", Mlp("sine", 32768)),
        ("relu 3x256, full batch", Mlp("relu", 0)),
        ("hash grid 16x2 T=2^18 + relu 2x64, full batch", """
            { "encoding": { "type": "hashgrid", "n_levels": 16, "n_features_per_level": 2, "log2_hashmap_size": 18, "base_resolution": 16, "per_level_scale": 1.26 },
              "network": { "type": "mlp", "hidden_layers": 2, "width": 64, "activation": { "type": "relu" } },
              "head": { "type": "sigmoid" }, "training": { "learning_rate": 1e-2, "steps": 3, "batch_size": 0 } }
            """),
    ];

    private static string Mlp(string activation, int batch) => $$"""
        { "encoding": { "type": "none" },
          "network": { "type": "mlp", "hidden_layers": 3, "width": 256, "activation": { "type": "{{activation}}" } },
          "head": { "type": "sigmoid" }, "training": { "learning_rate": 1e-3, "steps": 3, "batch_size": {{batch}} } }
        """;

    public static int Run(string[] args)
    {
        string? nf = PeakMemory.FindNf(args.Length == 2 && args[0] == "--nf" ? args[1] : null);
        if (nf is null) return 2;
        string dir = Directory.CreateTempSubdirectory("nf-bench-memory").FullName;
        const int side = 512;
        var samples = new ushort[side * side * 3];
        for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)((i * 2654435761u >> 24) & 255);
        string image = Path.Combine(dir, "noise.png");
        ImageFile.SavePng(image, new ImageSignal(side, side, 3, 8, samples));
        var signal = new SignalInfo("image", [side, side], 3, 8);
        Console.WriteLine($"{"config",-48} {"estimate",10} {"measured",10} {"ratio",6}");
        foreach (var (name, json) in Configs)
        {
            var config = ConfigJson.Parse(json);
            long batch = config.Training.BatchSize is > 0 and var b ? b : side * side;
            long estimate = MemoryEstimate.Of(config, signal, batch).Total;
            string file = Path.Combine(dir, "config.json");
            File.WriteAllText(file, json);
            var (exit, peak, _) = PeakMemory.Measure(nf, ["fit", image, "--config", file, "--steps", "3", "--out", Path.Combine(dir, "run")]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-48} {estimate >> 20,7} MB {peak >> 20,7} MB {(exit == 0 ? (estimate / (double)peak).ToString("F2", CultureInfo.InvariantCulture) : $"exit {exit}"),6}"));
        }
        Directory.Delete(dir, recursive: true);
        return 0;
    }
}
