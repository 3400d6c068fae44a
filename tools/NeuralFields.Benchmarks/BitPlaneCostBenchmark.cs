using System.Globalization;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Codec.Format;
using NeuralFields.Codec.Predictive;
using NeuralFields.Codec.Quantization;
using NeuralFields.Core.Heads;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// What a bit-plane model (preset <c>lossless</c>) would cost as a lossless coder, next to format 4: its heads give
/// every bit a probability, so an arithmetic coder driven by them would spend the cross-entropy of the bits
/// (Σ −log2 p of each actual bit), plus the model itself (its quantised, range-coded weights as a lossy .nf file).
/// Measured on the float model and on the model after 16-, 12- and 8-bit quantisation (which changes the probabilities).
/// No such coder is written: this is the measurement issue 18 asks for, to decide which path is smaller.
/// </summary>
internal static class BitPlaneCostBenchmark
{
    private static readonly int[] Bits = [16, 12, 8];

    public static int Run(Arguments arguments)
    {
        Torch.EnsureLoaded();
        int crop = arguments.Crops.Length > 0 ? arguments.Crops[0] : 64, steps = arguments.StepsGiven ?? 2000;
        Console.WriteLine($"bit-plane model (preset lossless) as a coder: cross-entropy of every bit + the model file, {steps} steps, seed 0, against format 4 (defaults)");
        Console.WriteLine();
        Console.WriteLine($"| image (crop) | format 4 bytes (bpp) | parameters | exact after training | float: cross-entropy bytes | {string.Join(" | ", Bits.Select(b => $"{b}-bit: model + cross-entropy bytes (bpp)"))} |");
        Console.WriteLine($"|---|---:|---:|---|---:|{string.Concat(Bits.Select(_ => "---:|"))}");
        foreach (var file in BenchmarkImages.Files(arguments.Inputs)) Console.WriteLine(Row(file, crop, steps));
        return 0;
    }

    private static string Row(string file, int crop, int steps)
    {
        var image = BenchmarkImages.Crop(ImageFile.Load(file, AlphaMode.Drop), crop);
        double pixels = (double)image.Width * image.Height;
        var predictive = PredictiveCompressor.Compress(image.Info, image.Samples, new PredictiveOptions());

        using var scope = NewDisposeScope();
        Torch.Seed(0);
        var config = Presets.Load("lossless");
        var model = new FieldModel(config, image.Info);
        var x = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        var y = tensor(image.Values()).reshape(-1, image.Channels);
        using (var trainer = new Trainer(model, x, y, 0)) trainer.Run(new TrainingRun(steps));
        var integers = tensor(image.Samples.Select(v => (long)v).ToArray()).reshape(-1, image.Channels);
        using var targets = BitPlanes.Decompose(integers, image.BitDepth).to(ScalarType.Float32);

        var (floatBits, floatExact) = CrossEntropy(model, x, targets, image.BitDepth, image.Channels);
        var plans = Bits.Select(b => ModelTensors.Quantize(model, new QuantizationPlan(b, QuantizationGranularity.Tensor))).ToList();
        var cells = new List<string>();
        foreach (var (tensors, b) in plans.Zip(Bits))
        {
            ModelTensors.Load(model, tensors);
            var (bits, _) = CrossEntropy(model, x, targets, image.BitDepth, image.Channels);
            long modelBytes = NeuralFileWriter.Write(image.Info, config, tensors).Length;
            double total = modelBytes + bits / 8;
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{modelBytes:N0} + {bits / 8:N0} = {total:N0} ({total * 8 / pixels:F2})"));
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(file)} ({image.Width}x{image.Height}x{image.Channels}) | {predictive.File.Length:N0} ({predictive.File.Length * 8 / pixels:F2}) | {model.ParameterCount:N0} | {(floatExact ? "yes" : "no")} | {floatBits / 8:N0} | {string.Join(" | ", cells)} |");
    }

    /// <summary>Σ −log2 p(bit) over every bit of every sample, and whether thresholding the logits gives every bit right.</summary>
    private static (double Bits, bool Exact) CrossEntropy(FieldModel model, Tensor coordinates, Tensor targets, int bitDepth, int channels)
    {
        using var _ = no_grad();
        double nats = 0;
        long wrong = 0, n = coordinates.shape[0];
        const long block = 4096;
        for (long start = 0; start < n; start += block)
        {
            using var blockScope = NewDisposeScope();
            long length = Math.Min(block, n - start);
            var logits = model.forward(coordinates.narrow(0, start, length)).reshape(length, bitDepth, channels);
            var bits = targets.narrow(0, start, length);
            nats += nn.functional.binary_cross_entropy_with_logits(logits, bits, reduction: nn.Reduction.Sum).item<float>();
            wrong += logits.gt(0).to(ScalarType.Float32).ne(bits).sum().item<long>();
        }
        model.train();
        return (nats / Math.Log(2), wrong == 0);
    }
}
