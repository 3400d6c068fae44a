using System.Buffers;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static NeuralFields.Codec.Decoder.ByteWriting;

namespace NeuralFields.Codec.Decoder.Latent;

/// <summary>
/// The header of a format-5 file (docs/format.md §9.5): a latent-grid image whose model is one of the shapes the
/// codec trains (latent grids at the image's size, an ARM, a ReLU synthesis MLP, a linear or sigmoid head) and whose
/// network tensors each have one power-of-two step. Format 3 spends about 400 bytes on its JSON config and float
/// steps; these fields take about 40, which is a tenth of a file at 0.07 bits per pixel. Anything else stays format 3.
/// Format 6 is format 5 with one more field, the post filter's radius (§9.6); files without a filter stay format 5.
/// </summary>
public static class CompactLatentHeader
{
    private const int MaxFraction = 24, MaxSide = 1 << 16, MaxSynthesisLayers = 8, MaxSynthesisWidth = 255;

    private enum Head { LinearCentered = 0, Linear = 1, Sigmoid = 2 }

    /// <summary>The header's bytes and its format (5, or 6 with a post filter), or null when the file needs format 3's general header.</summary>
    public static (byte[] Header, int Format)? TryWrite(SignalInfo signal, FieldConfig config, IReadOnlyDictionary<string, string> attributes,
        IReadOnlyList<QuantizedTensor> tensors, int weightBytes, int latentBytes)
    {
        if (signal.Modality != "image" || signal.Dimensions.Length != 2 || signal.Dimensions.Any(d => d > MaxSide)) return null;
        if (config.Encoding is not LatentGridConfig grid || config.Network is not MlpConfig { Activation: ReluActivationConfig } mlp) return null;
        int? head = config.Head switch
        {
            LinearHeadConfig { Centered: true } => (int)Head.LinearCentered,
            LinearHeadConfig => (int)Head.Linear,
            SigmoidHeadConfig => (int)Head.Sigmoid,
            _ => null,
        };
        if (head is null || mlp.HiddenLayers > MaxSynthesisLayers || mlp.Width > MaxSynthesisWidth) return null;
        var arm = grid.Arm;
        var fields = new[] { grid.Levels, System.Numerics.BitOperations.Log2((uint)grid.Gain), arm.Context, arm.Width, arm.HiddenLayers, mlp.HiddenLayers, mlp.Width, head.Value };
        // The fields must describe the very model the file decodes with (training-only settings aside).
        int radius = config.PostFilter?.Radius ?? 0;
        var rebuilt = Model(signal, fields, radius);
        // The rebuilt grids are at the image's size, so a grid of any other resolution differs here too.
        var written = config with { Encoding = grid with { LearningRate = null } };
        if (ModelConfigText.Write(rebuilt) != ModelConfigText.Write(written)) return null;

        var fractions = new int[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (LatentGridConfig.IsLatent(t.Name)) continue;            // their step is 1/G by §9
            if (t.Granularity != QuantizationGranularity.Tensor || t.Steps.Length != 1 || !(t.Steps[0] > 0)) return null;
            int k = -(int)Math.Round(Math.Log2(t.Steps[0]));
            if (k is < 0 or > MaxFraction || MathF.ScaleB(1f, -k) != t.Steps[0]) return null;
            fractions[i] = k;
        }

        var w = new ArrayBufferWriter<byte>();
        U16(w, signal.Dimensions[0] - 1);
        U16(w, signal.Dimensions[1] - 1);
        U8(w, signal.Channels);
        U8(w, signal.BitDepth);
        Attributes(w, attributes);
        foreach (int f in fields) U8(w, f);
        if (radius > 0) U8(w, radius);
        for (int i = 0; i < tensors.Count; i++)
        {
            U8(w, tensors[i].Bits);
            if (!LatentGridConfig.IsLatent(tensors[i].Name)) U8(w, fractions[i]);
        }
        U32(w, (uint)weightBytes);
        U32(w, (uint)latentBytes);
        return (w.WrittenSpan.ToArray(), radius > 0 ? NeuralFileFormat.FilteredLatentFormatVersion : NeuralFileFormat.CompactLatentFormatVersion);
    }

    /// <summary>Reads a format-5 or 6 header, every field bounded before use; the model it rebuilds passes format 3's checks.</summary>
    internal static NeuralFileHeader Parse(ReadOnlySpan<byte> span, int format, int decoder, DecodeLimits limits)
    {
        var r = new ByteReader(span, "header");
        int height = r.U16() + 1, width = r.U16() + 1;
        int channels = r.BoundedU8(1, NeuralFileFormat.MaxChannels, "the channel count");
        int bitDepth = r.BoundedU8(1, NeuralFileFormat.MaxSampleBits, "the bit depth");
        var attributes = NeuralFileReader.ReadAttributes(ref r);
        if ((long)height * width > limits.MaxGridPoints)
            throw new NeuralFileException($"the file declares a {width}x{height} image ({(long)width * height:N0} points), over the limit of {limits.MaxGridPoints:N0}");
        var signal = new SignalInfo("image", [height, width], channels, bitDepth);
        SignalRules.Require(signal, attributes);
        var fields = new int[8];
        for (int i = 0; i < fields.Length; i++) fields[i] = r.U8();
        if (fields[1] > 10 || fields[7] > (int)Head.Sigmoid || fields[5] > MaxSynthesisLayers || fields[6] < 1)
            throw new NeuralFileException("the file is damaged: its model fields are out of range");
        int radius = format == NeuralFileFormat.FilteredLatentFormatVersion ? r.BoundedU8(1, PostFilterConfig.MaxRadius, "the post filter's radius") : 0;
        FieldConfig config;
        string json;
        try
        {
            json = ModelConfigText.Write(Model(signal, fields, radius));
            config = ModelConfigText.Read(json);                          // the ranges format 3's JSON is held to
        }
        catch (NeuralFieldsException e)
        {
            throw new NeuralFileException($"the file is damaged: {e.Message}");
        }
        var layout = Inference.ModelLayout.Tensors(config, signal);     // refuses oversized models before any allocation
        var tensors = new List<TensorEntry>(layout.Count);
        int gain = ((LatentGridConfig)config.Encoding).Gain;
        foreach (var (name, shape) in layout)
        {
            int bits = r.BoundedU8(NeuralFileFormat.MinBits, NeuralFileFormat.MaxBits, $"the bit width of {name}");
            // Latent grids have one step of exactly 1/G (§9); every other tensor one step 2^−k.
            float step = LatentGridConfig.IsLatent(name) ? 1f / gain : MathF.ScaleB(1f, -r.BoundedU8(0, MaxFraction, $"the step of {name}"));
            tensors.Add(new TensorEntry(name, shape, bits, QuantizationGranularity.Tensor, [step]));
        }
        int weightBytes = r.Bounded(0, int.MaxValue, "the weight stream length");
        int latentBytes = r.Bounded(0, int.MaxValue, "the latent stream length");
        if (!r.AtEnd) throw new NeuralFileException("the file is damaged: its header is longer than its fields");
        return new NeuralFileHeader(format, decoder, signal, config, json, tensors, null, span.Length, weightBytes, latentBytes)
            { Attributes = attributes };
    }

    /// <summary>levels, log2 gain, ARM context, width and hidden layers, synthesis hidden layers and width, head; the post filter's radius (0: none).</summary>
    private static FieldConfig Model(SignalInfo signal, int[] f, int radius) => new()
    {
        PostFilter = radius > 0 ? new PostFilterConfig { Radius = radius } : null,
        Encoding = new LatentGridConfig
        {
            Levels = f[0],
            Gain = 1 << Math.Min(f[1], 30),
            Entropy = new ArmConfig { Context = f[2], Width = f[3], HiddenLayers = f[4] },
        }.For(signal.Dimensions),
        Network = new MlpConfig { HiddenLayers = f[5], Width = f[6], Activation = new ReluActivationConfig() },
        Head = (Head)f[7] switch
        {
            Head.LinearCentered => new LinearHeadConfig(),
            Head.Linear => new LinearHeadConfig { Centered = false },
            _ => new SigmoidHeadConfig(),
        },
    };
}
