using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder;

/// <summary>Integer samples of a decoded field, grid order with channels interleaved, at the source's bit depth.</summary>
public sealed record DecodedSignal(SignalInfo Info, ushort[] Samples)
{
    /// <summary>The file's signal attributes (§2), which the modality's writer may need (audio: sample rate).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = SignalAttributes.None;
}

/// <summary>
/// Decodes a neural file: dequantise every tensor (q · step in float32), evaluate the network on the
/// signal's sample grid, round to integers and, for lossless files, add the residual. The result
/// depends only on the file's bytes.
/// </summary>
public static class FieldDecoder
{
    /// <summary>Any version: predictive files (format 4) decode through <see cref="Predictive.PredictiveFile"/>.</summary>
    public static DecodedSignal Decode(byte[] file, DecodeLimits? limits = null) =>
        Predictive.PredictiveFile.Is(file) ? Predictive.PredictiveFile.Decode(file, limits) : Decode(NeuralFileReader.Read(file, limits));

    public static DecodedSignal Decode(NeuralFile file)
    {
        var signal = file.Header.Signal;
        var predicted = Evaluator(file).Integers();
        var samples = new ushort[predicted.Length];
        int max = signal.MaxValue;
        for (int i = 0; i < samples.Length; i++)
        {
            int value = predicted[i] + (file.Residual?[i] ?? 0);
            if (value < 0 || value > max)
                throw new NeuralFileException("the file is damaged: its residual takes a sample out of range");
            samples[i] = (ushort)value;
        }
        return new DecodedSignal(signal, samples) { Attributes = file.Header.Attributes };
    }

    /// <summary>The network of the file with its dequantised weights.</summary>
    public static FieldEvaluator Evaluator(NeuralFile file) =>
        new(file.Header.Config, file.Header.Signal, file.Tensors.ToDictionary(t => t.Name, t => t.Dequantize()));
}
