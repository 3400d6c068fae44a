using System.Diagnostics;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Latent;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Codec.Format;
using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// Makes a latent-grid neural file (Cool-chic style): rate-distortion training of latents, synthesis and ARM with the
/// one <see cref="Trainer"/> (noise, then straight-through rounding), power-of-two weight steps chosen by measuring
/// D + λR on what the portable decoder computes, an image's post filter fitted to the decoder's output
/// (<see cref="PostFilterFit"/>), writing, and decoding the file back to check it.
/// </summary>
public static class LatentCompressor
{
    /// <summary>Steps 2^−k tried for the synthesis network and the entropy model.</summary>
    private static readonly int[] SynthesisFractions = [4, 5, 6, 7, 8, 9, 10], ArmFractions = [3, 4, 5, 6, 7, 8, 9];

    public static CompressionResult Compress(SignalInfo signal, ushort[] samples, LatentOptions options,
        IReadOnlyDictionary<string, string>? attributes = null, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        options.Validate();
        if (signal.CoordinateDims > LatentGridConfig.MaxDimensions)
            throw new NeuralFieldsException($"the latent-grid codec compresses signals of 1 to {LatentGridConfig.MaxDimensions} axes, not {signal.CoordinateDims}");
        if (samples.LongLength != signal.SampleCount * signal.Channels) throw new ArgumentException("sample count does not match the signal");
        // The config's post filter is the largest the codec may fit after training; the model trained has none.
        var config = options.Config with { Encoding = ((LatentGridConfig)options.Config.Encoding).For(signal.Dimensions), PostFilter = null };
        config.Validate();                                           // the sized grids too, before any training
        ModelLayout.Tensors(config, signal);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var coordinates = tensor(SampleGrid.Coordinates(signal.Dimensions)).reshape(-1, signal.CoordinateDims);
        var targets = tensor(FieldCompressor.Values(samples, signal.MaxValue)).reshape(-1, signal.Channels);

        Torch.EnsureLoaded();
        Torch.Seed(options.Seed);
        // The file describes the model only; how training batches the image is the trainer's part of the config.
        var batching = options.Batching;
        using var model = new FieldModel(batching.IsFull ? config : config with { Training = config.Training with { BatchSize = (int)batching.PixelBatch } }, signal);
        var rate = new LatentRate(options.Lambda, signal.SampleCount, batching.RateFraction, options.Seed);
        var schedule = new LatentSchedule((LatentGridEncoding)model.Encoding, options.TrainingSteps, options.TimeBudget, options.StraightThroughFraction, options.SoftRounding);
        using var trainer = new Trainer(model, coordinates, targets, options.Seed, new TrainerOptions { LossTerms = [rate], Hooks = [schedule] });
        var outcome = trainer.Run(new TrainingRun(options.TrainingSteps) { TimeBudget = options.TimeBudget }, new WithRate(observer, rate), cancel);
        cancel.ThrowIfCancellationRequested();
        double psnrFloat = Psnr(Predict(model, coordinates), samples, signal.MaxValue);

        var tensors = ChooseSteps(model, signal, samples, options.Lambda);
        if (options.Config.PostFilter is { } largest)
            (config, tensors) = PostFilterFit.Choose(config, signal, samples, tensors, options.Lambda, largest.Radius);
        var bytes = NeuralFileWriter.Write(signal, config, tensors, null, attributes);
        var file = NeuralFileReader.Read(bytes);
        var decoded = FieldDecoder.Decode(file);
        var expected = new FieldEvaluator(config, signal, tensors.ToDictionary(t => t.Name, t => t.Dequantize())).Integers();
        if (!decoded.Samples.Select(v => (int)v).SequenceEqual(expected))
            throw new InvalidOperationException("the written latent-grid file does not decode to the samples it was made from");
        double psnr = Psnr(decoded.Samples.Select(v => v / (float)signal.MaxValue).ToArray(), samples, signal.MaxValue);
        return new CompressionResult(bytes, file.Header, decoded, psnr, psnrFloat, outcome.Steps, 0, clock.Elapsed.TotalSeconds, false);
    }

    /// <summary>
    /// Power-of-two steps for the networks, each group chosen on the real cost: the synthesis by MSE (of the portable
    /// decoder's output) + λ·(its weight bits)/pixels, the ARM by the bytes of its weights plus the latents it codes.
    /// </summary>
    private static List<QuantizedTensor> ChooseSteps(FieldModel model, SignalInfo signal, ushort[] samples, double lambda)
    {
        var config = model.Config;
        var grid = (LatentGridConfig)config.Encoding;
        int bestArm = ArmFractions[0];
        long bestArmBytes = long.MaxValue;
        foreach (int k in ArmFractions)
        {
            var tensors = LatentQuantizer.Quantize(model, SynthesisFractions[0], k);
            long bytes = StreamBytes(tensors.Where(t => t.Name.StartsWith(FieldLayout.Encoding(LatentGridConfig.ArmPrefix) + ".", StringComparison.Ordinal)))
                + LatentPayload.Encode(grid, tensors).Length;
            if (bytes < bestArmBytes) (bestArm, bestArmBytes) = (k, bytes);
        }
        int bestSynthesis = SynthesisFractions[0];
        double bestCost = double.PositiveInfinity;
        foreach (int k in SynthesisFractions)
        {
            var tensors = LatentQuantizer.Quantize(model, k, bestArm);
            var values = new FieldEvaluator(config, signal, tensors.ToDictionary(t => t.Name, t => t.Dequantize())).Integers();
            double mse = Mse(values, samples, signal.MaxValue);
            double bits = 8.0 * StreamBytes(tensors.Where(t => t.Name.StartsWith(FieldLayout.NetworkPrefix + ".", StringComparison.Ordinal)));
            double cost = mse + lambda * bits / signal.SampleCount;
            if (cost < bestCost) (bestSynthesis, bestCost) = (k, cost);
        }
        return LatentQuantizer.Quantize(model, bestSynthesis, bestArm);
    }

    internal static long StreamBytes(IEnumerable<QuantizedTensor> tensors)
    {
        var encoder = new RangeEncoder();
        TensorCoding.Encode(encoder, tensors);
        return encoder.Finish().Length;
    }

    private static float[] Predict(FieldModel model, Tensor coordinates)
    {
        using var predicted = model.Predict(coordinates);
        return ModelTensors.Values(predicted);
    }

    private static double Mse(int[] values, ushort[] samples, int maxValue)
    {
        double sum = 0, scale = 1.0 / maxValue;
        for (int i = 0; i < samples.Length; i++)
        {
            double d = (values[i] - samples[i]) * scale;
            sum += d * d;
        }
        return sum / samples.Length;
    }

    private static double Psnr(float[] predicted, ushort[] samples, int maxValue)
    {
        double sum = 0, scale = 1.0 / maxValue;
        for (int i = 0; i < samples.Length; i++)
        {
            double d = Math.Clamp(predicted[i], 0f, 1f) - samples[i] * scale;
            sum += d * d;
        }
        double mse = sum / samples.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(1 / mse);
    }

    /// <summary>Adds the rate estimate to each progress report.</summary>
    private sealed class WithRate(ITrainingObserver? inner, LatentRate rate) : ITrainingObserver
    {
        public void OnStep(TrainingProgress p) => inner?.OnStep(p with { BitsPerPoint = rate.LastBitsPerPoint });
    }
}
