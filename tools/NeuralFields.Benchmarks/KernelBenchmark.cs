using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ILGPU;
using ILGPU.Runtime;
using NeuralFields.Backends;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Schema.IO;
using static NeuralFields.Fitting.Output.MetricsJson;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Encoded coordinates per second and rendered pixels per second for every backend present in one run:
/// TorchSharp on the CPU, the neural-file decoder's vectorised C# evaluator (renders only), ILGPU's CPU
/// accelerator (an emulator: tiny batches) and, when ILGPU finds one, a CUDA GPU (device-resident
/// throughput, and end to end with the copies). Goals on an H100: 1e9 encoded 2D coordinates/s for
/// 2x(2x10) positional encoding, 1e8 pixels/s for a fused 3x64 render.
/// </summary>
internal static class KernelBenchmark
{
    private sealed record Row(string Workload, string Backend, long Items, double Seconds, string Unit)
    {
        public double PerSecond => Items / Seconds;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly List<Row> Rows = [];

    /// <summary>Where the rows go, rewritten after each one so an interrupted run keeps what it measured.</summary>
    private static string? ResultsPath;

    public static int Run(Arguments arguments)
    {
        ResultsPath = arguments.Input;
        Torch.EnsureLoaded();
        bool cuda = FieldRenderers.HasCuda();
        Console.WriteLine($"TorchSharp CPU threads: {get_num_threads()}; ILGPU CUDA devices: " +
                          (cuda ? string.Join(", ", ComputeDevices.CudaDevices().Select(d => d.Name)) : "none (the CUDA rows are not run)"));
        using var cpu = ComputeDevices.CreateCpu();
        using var gpu = cuda ? ComputeDevices.CreateCuda() : null;

        var positional = new PositionalEncodingConfig { Octaves = 10 };
        Encoding("positional 2x(2x10)", positional, cpu, gpu);
        var hashgrid = (HashGridConfig)Presets.Load("hashgrid").Encoding with { Log2HashmapSize = 19 };
        Encoding($"hashgrid {hashgrid.NLevels}x{hashgrid.NFeaturesPerLevel}, T=2^19", hashgrid, cpu, gpu);

        Render("positional + ReLU 3x64 + sigmoid", positional, new ReluActivationConfig(), new SigmoidHeadConfig(), cpu, gpu);
        Render("SIREN 3x64", new IdentityEncodingConfig(), new SineActivationConfig(), new LinearHeadConfig(), cpu, gpu);

        Console.WriteLine();
        Console.WriteLine("| workload | backend | items | seconds | per second |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var r in Rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Workload} | {r.Backend} | {r.Items:N0} | {r.Seconds:F4} | {r.PerSecond:E2} {r.Unit}/s |"));
        Console.WriteLine();
        Console.WriteLine("H100 goals: >= 1e9 encoded 2D coordinates/s (positional 2x(2x10)), >= 1e8 pixels/s (fused 3x64 render)" +
                          (cuda ? "" : "; no CUDA device here, so not measured"));
        if (ResultsPath is { } path) Console.WriteLine($"results -> {path}");
        return 0;
    }

    private static void Encoding(string name, EncodingConfig config, Accelerator cpu, Accelerator? gpu)
    {
        manual_seed(0);
        var module = ComponentBuilders.BuildEncoding(config, 2);
        using (no_grad())
            foreach (var p in module.parameters()) p.uniform_(-1, 1);
        var plan = EncodingPlan.Build(FieldExport.Encoding(module));

        // TorchSharp (for the hash grid, Core's native C# kernel behind the module).
        const int torchN = 1 << 20;
        using (var x = rand(torchN, 2).mul_(2).sub_(1))
        using (no_grad())
            Add(name, "TorchSharp CPU", torchN, "coords", Time(() => { using var y = module.forward(x); }));

        // ILGPU CPU accelerator: the emulator, a small batch.
        const int emulatorN = 1 << 13;
        var coordinates = RandomCoordinates(emulatorN, 1);
        using (var encoder = new DeviceEncoder(cpu, plan, emulatorN))
            Add(name, "ILGPU CPU emulator", emulatorN, "coords", Time(() => encoder.Encode(coordinates), repeats: 2));

        if (gpu is null) return;
        const int gpuN = 1 << 23;
        using (var encoder = new DeviceEncoder(gpu, plan, 1 << 22))
        {
            var host = RandomCoordinates(gpuN, 2);
            using var deviceCoordinates = gpu.Allocate1D(host);
            using var deviceFeatures = gpu.Allocate1D<float>((long)gpuN * plan.OutputDims);
            Add(name, "ILGPU CUDA (on device)", gpuN, "coords",
                Time(() => encoder.EncodeOnDevice(gpuN, deviceCoordinates.View, deviceFeatures.View), repeats: 10));
            Add(name, "ILGPU CUDA (with host copies)", gpuN, "coords", Time(() => encoder.Encode(host), repeats: 3));
        }
    }

    private static void Render(string name, EncodingConfig encoding, ActivationConfig activation, HeadConfig head, Accelerator cpu, Accelerator? gpu)
    {
        var config = Presets.Load("siren") with
        {
            Encoding = encoding,
            Network = new MlpConfig { HiddenLayers = 3, Width = 64, Activation = activation },
            Head = head,
        };
        manual_seed(0);

        var torchModel = new FieldModel(config, new SignalInfo("image", [512, 512], 3, 8));
        using (var x = tensor(SampleGrid.Coordinates([512, 512])).reshape(-1, 2))
            Add(name, "TorchSharp CPU", 512 * 512, "pixels", Time(() => { using var y = torchModel.Predict(x); }));

        var evaluatorSignal = new SignalInfo("image", [256, 256], 3, 8);
        var evaluatorModel = new FieldModel(config, evaluatorSignal);
        if (ModelLayout.Unsupported(config).Count == 0)
        {
            var tensors = evaluatorModel.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().contiguous().data<float>().ToArray());
            var evaluator = new FieldEvaluator(config, evaluatorSignal, tensors);
            Add(name, "vectorised C# (neural-file decoder)", evaluatorSignal.SampleCount, "pixels", Time(() => evaluator.Values(), repeats: 2));
        }
        else
            Console.WriteLine($"{name,-36} vectorised C# (neural-file decoder): not supported ({string.Join(", ", ModelLayout.Unsupported(config))})");

        var field = FieldExport.Field(torchModel);
        using (var renderer = new DeviceRenderer(cpu, field, chunk: 1024))
            Add(name, "ILGPU CPU emulator (fused)", 32 * 32, "pixels", Time(() => renderer.RenderGrid([32, 32]), repeats: 2));

        if (gpu is null) return;
        using (var renderer = new DeviceRenderer(gpu, field))
        {
            int[] dims = [4096, 4096];
            long pixels = 4096L * 4096;
            Add(name, $"ILGPU CUDA fused (on device, {renderer.Chunk:N0}/launch)", pixels, "pixels", Time(() =>
            {
                for (long start = 0; start < pixels; start += renderer.Chunk)
                    renderer.RenderGridOnDevice(dims, start, (int)Math.Min(renderer.Chunk, pixels - start));
            }, repeats: 3));
            Add(name, "ILGPU CUDA fused (with copy to host)", pixels, "pixels", Time(() => renderer.RenderGrid(dims), repeats: 2));
        }
    }

    private static float[] RandomCoordinates(int n, int seed)
    {
        var random = new Random(seed);
        var values = new float[2 * n];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    /// <summary>Best of <paramref name="repeats"/> timed runs after one warm-up (which compiles kernels and fills caches).</summary>
    private static double Time(Action work, int repeats = 5)
    {
        work();
        double best = double.PositiveInfinity;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static void Add(string workload, string backend, long items, string unit, double seconds)
    {
        var row = new Row(workload, backend, items, seconds, unit);
        Rows.Add(row);
        if (ResultsPath is { } path)
            AtomicFile.WriteAllText(path, new JsonArray(Rows.Select(r => (JsonNode)new JsonObject
            {
                ["workload"] = r.Workload, ["backend"] = r.Backend, ["items"] = r.Items, ["seconds"] = Finite(r.Seconds, 9),
                ["per_second"] = Finite(r.PerSecond, 1), ["unit"] = r.Unit,
            }).ToArray()).ToJsonString(Indented));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload,-36} {backend,-42} {row.PerSecond,12:E2} {unit}/s"));
    }
}
