using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Samples;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;

namespace NeuralFields.Fitting.Tests;

/// <summary>The memory estimate a plan is built on, against what one training step really makes resident (Linux).</summary>
public sealed class MemoryMeasureTests
{
    [Theory]
    [InlineData("relu", 16384)]
    [InlineData("sine", 32768)]
    public void The_estimate_is_within_a_factor_of_the_measured_peak_of_a_training_step(string activation, int batch)
    {
        if (!File.Exists("/proc/self/clear_refs")) return;   // the peak-resident counter is Linux's
        // The estimate is the TorchSharp step's; the fused step keeps no activations beyond a tile (far less, so the
        // estimate bounds it from above), which is why this config asks for the TorchSharp step.
        var config = ConfigJson.Parse($$"""
            { "encoding": { "type": "none" },
              "network": { "type": "mlp", "hidden_layers": 3, "width": 256, "activation": { "type": "{{activation}}" } },
              "head": { "type": "sigmoid" },
              "training": { "learning_rate": 1e-3, "steps": 2, "batch_size": {{batch}}, "implementation": "torch" } }
            """);
        var signal = new SignalInfo("image", [256, 256], 3, 8);
        var image = Signals.Image(256, 256);
        var estimate = MemoryEstimate.Of(config, signal, batch);
        long expected = estimate.Total - estimate.Process;

        // Warm the runtime up first so the measured peak is the step's own.
        using (FieldTraining.Run(config, signal, GridSamples.FromIntegers(signal.Dimensions, 3, 8, image.Samples), new FitOptions { Steps = 1 })) { }
        // Pages earlier tests freed stay resident in the C allocator and would be reused without raising the peak:
        // hand them back to the system first (seen on CI: 16 MB "measured" for a 196 MB step without this).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        MallocTrim(0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = Resident("VmRSS");
        using (FieldTraining.Run(config, signal, GridSamples.FromIntegers(signal.Dimensions, 3, 8, image.Samples), new FitOptions { Steps = 2 })) { }
        long measured = Resident("VmHWM") - before;
        // Seen: ReLU 196 MB estimated, 192 MB measured; sine 391 MB estimated, 207 MB measured (its own backward keeps less).
        Assert.True(measured >= expected / 3 && measured <= expected * 2, $"estimated {expected >> 20} MB, measured {measured >> 20} MB");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static long Resident(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
