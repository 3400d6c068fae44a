using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Tests;

/// <summary>Neural files made without training: weights drawn from a seeded generator, quantised at a given width.</summary>
internal static class TestFiles
{
    public static FieldConfig Siren(int hidden = 2, int width = 16, EncodingConfig? encoding = null, HeadConfig? head = null,
        ActivationConfig? activation = null) => new()
    {
        Encoding = encoding ?? new IdentityEncodingConfig(),
        Network = new MlpConfig { HiddenLayers = hidden, Width = width, Activation = activation ?? new SineActivationConfig() },
        Head = head ?? new LinearHeadConfig(),
    };

    public static SignalInfo Image(int width, int height, int channels = 3, int bits = 8) => new("image", [height, width], channels, bits);

    /// <summary>Random quantised tensors for the layout <paramref name="config"/> needs (SIREN-sized weights: |w| ≲ 0.5).</summary>
    public static List<QuantizedTensor> Tensors(FieldConfig config, SignalInfo signal, ulong seed = 1, int bits = 8,
        QuantizationGranularity granularity = QuantizationGranularity.Tensor)
    {
        var random = new PortableRandom(seed);
        var result = new List<QuantizedTensor>();
        foreach (var (name, shape) in ModelLayout.Tensors(config, signal))
        {
            int max = QuantizedTensor.MaxLevelFor(bits);
            var values = new int[shape.Aggregate(1, (a, d) => a * d)];
            for (int i = 0; i < values.Length; i++) values[i] = (int)Math.Round((random.NextDouble() * 2 - 1) * max * random.NextDouble());
            var g = shape.Length > 1 ? granularity : QuantizationGranularity.Tensor;
            var steps = Enumerable.Range(0, QuantizedTensor.StepCount(shape, g)).Select(i => (float)(0.5 / max * (1 + 0.1 * i % 3))).ToArray();
            result.Add(new QuantizedTensor(name, shape, bits, g, steps, values));
        }
        return result;
    }

    /// <summary>A deterministic test pattern of integer samples.</summary>
    public static ushort[] Samples(SignalInfo signal, ulong seed = 3)
    {
        var random = new PortableRandom(seed);
        var samples = new ushort[signal.SampleCount * signal.Channels];
        for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)(random.NextUInt64() % (ulong)(signal.MaxValue + 1));
        return samples;
    }

    /// <summary>A file; with <paramref name="source"/>, lossless (the residual makes it decode to the source exactly).</summary>
    public static byte[] File(FieldConfig config, SignalInfo signal, List<QuantizedTensor> tensors, ushort[]? source = null)
    {
        int[]? residual = null;
        if (source is not null)
        {
            var predicted = new FieldEvaluator(config, signal, tensors.ToDictionary(t => t.Name, t => t.Dequantize())).Integers();
            residual = source.Select((s, i) => s - predicted[i]).ToArray();
        }
        return NeuralFileWriter.Write(signal, config, tensors, residual);
    }

    public static byte[] Small(bool lossless = true)
    {
        var config = Siren();
        var signal = Image(6, 5);
        return File(config, signal, Tensors(config, signal), lossless ? Samples(signal) : null);
    }

    /// <summary>
    /// A latent-grid file (format 3) without training: latents drawn around 0 with a few far out (to reach the
    /// escape code), ARM weights on 2^−6 and synthesis weights on 2^−7 steps.
    /// </summary>
    public static (FieldConfig Config, SignalInfo Signal, List<QuantizedTensor> Tensors) Latent(int width, int height, ulong seed = 5, int channels = 3, int postFilter = 0) =>
        Latent(Image(width, height, channels), seed, postFilter);

    /// <summary>
    /// A latent-grid file's model for a signal of any rank (a clip, an image, a volume), with random integers and a few
    /// far latents (escapes); with a post filter of radius <paramref name="postFilter"/> (> 0) on 2^−9 steps.
    /// </summary>
    public static (FieldConfig Config, SignalInfo Signal, List<QuantizedTensor> Tensors) Latent(SignalInfo signal, ulong seed = 5, int postFilter = 0)
    {
        var config = new FieldConfig
        {
            Encoding = new LatentGridConfig { Resolution = [.. signal.Dimensions.Reverse()], Levels = 3, Entropy = new ArmConfig { Context = 6, Width = 8, HiddenLayers = 2 } },
            Network = new MlpConfig { HiddenLayers = 1, Width = 8, Activation = new ReluActivationConfig() },
            Head = new LinearHeadConfig(),
            PostFilter = postFilter > 0 ? new PostFilterConfig { Radius = postFilter } : null,
        };
        var random = new PortableRandom(seed);
        var tensors = new List<QuantizedTensor>();
        foreach (var (name, shape) in ModelLayout.Tensors(config, signal))
        {
            bool latent = LatentGridConfig.IsLatent(name);
            var values = new int[shape.Aggregate(1, (a, d) => a * d)];
            for (int i = 0; i < values.Length; i++)
            {
                double u = random.NextDouble() * 2 - 1;
                values[i] = latent
                    ? (random.NextDouble() < 0.05 ? (int)Math.Round(u * 3000) : (int)Math.Round(u * u * u * 6))
                    : (int)Math.Round(u * 60);
            }
            int largest = values.Max(Math.Abs), bits = 2;
            while (QuantizedTensor.MaxLevelFor(bits) < largest) bits++;
            float step = latent ? 1f / 16 : name.StartsWith("encoding.arm.", StringComparison.Ordinal) ? 1f / 64 : FieldLayout.IsFilter(name) ? 1f / 512 : 1f / 128;
            tensors.Add(new QuantizedTensor(name, shape, bits, QuantizationGranularity.Tensor, [step], values));
        }
        return (config, signal, tensors);
    }
}
