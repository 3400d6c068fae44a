using System.Diagnostics;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Format;
using NeuralFields.Codec.Quantization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Fitting;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Compression;

/// <summary>
/// Makes a neural file from integer samples of any modality: check the decoder can compute the config
/// (before any training), fit, fine-tune quantisation-aware, quantise, write; then decode the file with
/// the portable decoder, measure PSNR on that, and for lossless files add the residual and verify every
/// sample of the round trip.
/// </summary>
public static class FieldCompressor
{
    public static CompressionResult Compress(SignalInfo signal, ushort[] samples, CompressionOptions options,
        IReadOnlyDictionary<string, string>? attributes = null, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        options.Validate();
        ModelLayout.Tensors(options.Config, signal);                // refuses oversized models before training
        if (samples.LongLength != signal.SampleCount * signal.Channels)
            throw new ArgumentException("sample count does not match the signal");
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var coordinates = tensor(SampleGrid.Coordinates(signal.Dimensions)).reshape(-1, signal.CoordinateDims);
        var targets = tensor(Values(samples, signal.MaxValue)).reshape(-1, signal.Channels);

        int steps = options.TrainingSteps, qatSteps = options.QatSteps ?? options.DefaultQatSteps;
        int total = steps + qatSteps;
        using var training = FieldTraining.Run(options.Config, signal, new Core.Training.Samples.TensorSamples(coordinates.alias(), targets.alias()),
            new FitOptions { Steps = steps, Lossless = options.Lossless, Seed = options.Seed }, new Rescaled(observer, total), cancel);
        var (model, outcome) = (training.Model, training.Outcome);
        double psnrFloat = Psnr(Predict(model, coordinates), samples, signal.MaxValue, asValues: true);

        if (qatSteps > 0 && !(options.Lossless && outcome.ReachedTarget))
        {
            QuantizationAwareTraining.FineTune(model, coordinates, targets, options.Plan, qatSteps,
                options.Config.Training.LearningRate * options.QatLearningRateScale, options.Seed, new Rescaled(observer, total, offset: steps), cancel);
            cancel.ThrowIfCancellationRequested();
        }
        else
        {
            qatSteps = 0;
        }

        var tensors = ModelTensors.Quantize(model, options.Plan);
        var evaluator = new FieldEvaluator(options.Config, signal, tensors.ToDictionary(t => t.Name, t => t.Dequantize()));
        var predicted = evaluator.Integers();
        int[]? residual = options.Lossless ? samples.Select((s, i) => s - predicted[i]).ToArray() : null;
        var bytes = NeuralFileWriter.Write(signal, options.Config, tensors, residual, attributes);

        // The file is what counts: decode it as a user will and measure (lossless: require) the result.
        var file = NeuralFileReader.Read(bytes);
        var decoded = FieldDecoder.Decode(file);
        var expected = options.Lossless ? samples : predicted.Select(v => (ushort)v).ToArray();
        if (!decoded.Samples.AsSpan().SequenceEqual(expected))
            throw new InvalidOperationException("the written neural file does not decode to the samples it was made from");
        var header = file.Header;
        double psnr = options.Lossless ? double.PositiveInfinity : Psnr(decoded.Samples.Select(v => (float)v).ToArray(), samples, signal.MaxValue, asValues: false);
        return new CompressionResult(bytes, header, decoded, psnr, psnrFloat, outcome.Steps, qatSteps, clock.Elapsed.TotalSeconds,
            options.Lossless && outcome.ReachedTarget);
    }

    /// <summary>Samples scaled to [0,1] exactly as the image signal does (v · 1/(2^n − 1) in float32).</summary>
    public static float[] Values(ushort[] samples, int maxValue)
    {
        float scale = 1f / maxValue;
        var values = new float[samples.Length];
        for (int i = 0; i < values.Length; i++) values[i] = samples[i] * scale;
        return values;
    }

    private static float[] Predict(FieldModel model, Tensor coordinates)
    {
        using var predicted = model.Predict(coordinates);
        model.train();
        return ModelTensors.Values(predicted);
    }

    /// <summary>PSNR (data range 1) of values in [0,1] (or integers when not <paramref name="asValues"/>) against the source.</summary>
    private static double Psnr(float[] predicted, ushort[] samples, int maxValue, bool asValues)
    {
        double sum = 0, scale = 1.0 / maxValue;
        for (int i = 0; i < samples.Length; i++)
        {
            double p = asValues ? Math.Clamp(predicted[i], 0f, 1f) : predicted[i] * scale;
            double d = p - samples[i] * scale;
            sum += d * d;
        }
        double mse = sum / samples.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(1 / mse);
    }

    /// <summary>Reports training steps on the scale of the whole run (training plus fine-tuning, which starts at <c>offset</c>).</summary>
    private sealed class Rescaled(ITrainingObserver? inner, int total, int offset = 0) : ITrainingObserver
    {
        public void OnStep(TrainingProgress p) => inner?.OnStep(p with { Step = offset + p.Step, TotalSteps = total });
    }
}
