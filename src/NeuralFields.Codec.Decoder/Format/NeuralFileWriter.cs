using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using static NeuralFields.Codec.Decoder.ByteWriting;
using NeuralFields.Schema.Components;
using NeuralFields.Codec.Decoder.Latent;

namespace NeuralFields.Codec.Decoder;

/// <summary>Writes the .nf container (docs/format.md): preamble, header, header CRC, weight stream, residual stream, stream CRC.</summary>
public static class NeuralFileWriter
{
    /// <summary>
    /// The bytes of a file holding <paramref name="tensors"/> (in <see cref="ModelLayout.Tensors"/> order)
    /// and, when given, the lossless residual (source − decoded, grid order, channels interleaved),
    /// coded with whichever prediction gives the smallest stream. Files with <paramref name="attributes"/>
    /// are format version 2, files without stay version 1 (writers write the lowest version that describes the file);
    /// latent-grid files are format 5 when the compact header describes them (6 with a post filter), format 3 otherwise.
    /// </summary>
    public static byte[] Write(SignalInfo signal, FieldConfig config, IReadOnlyList<QuantizedTensor> tensors, int[]? residual = null,
        IReadOnlyDictionary<string, string>? attributes = null) => Write(signal, config, tensors, residual, attributes, compactLatent: true);

    /// <param name="compactLatent">False writes a latent-grid file as format 3 even where format 5 describes it, for readers older than format 5.</param>
    public static byte[] Write(SignalInfo signal, FieldConfig config, IReadOnlyList<QuantizedTensor> tensors, int[]? residual,
        IReadOnlyDictionary<string, string>? attributes, bool compactLatent)
    {
        CheckTensors(signal, config, tensors);
        attributes ??= SignalAttributes.None;
        SignalAttributes.Require(attributes);
        if (SignalRules.Problem(signal, attributes) is string problem)
            throw new ArgumentException($"the {signal.Modality} signal and its attributes disagree: {problem}");
        bool latent = config.Encoding is LatentGridConfig;
        int format = latent ? NeuralFileFormat.LatentFormatVersion
            : attributes.Count > 0 ? NeuralFileFormat.FormatVersion : NeuralFileFormat.FirstFormatVersion;
        var weights = new RangeEncoder();
        TensorCoding.Encode(weights, tensors.Where(t => !LatentGridConfig.IsLatent(t.Name)));
        var weightStream = weights.Finish();
        ResidualPrediction? prediction = null;
        byte[] residualStream = [];
        if (latent)
        {
            if (residual is not null) throw new ArgumentException("latent-grid files are lossy: they take no residual");
            residualStream = LatentPayload.Encode((LatentGridConfig)config.Encoding.ForSignal(signal.Dimensions), tensors);
        }
        else if (residual is not null)
        {
            if (residual.Length != signal.SampleCount * signal.Channels)
                throw new ArgumentException("the residual must have one value per sample");
            (var p, residualStream) = ResidualCoding.EncodeBest(residual, signal.Dimensions[^1], signal.Channels);
            prediction = p;
        }

        if (latent && compactLatent && CompactLatentHeader.TryWrite(signal, config, attributes, tensors, weightStream.Length, residualStream.Length) is var (compact, compactFormat))
            return Frame(compactFormat, compact, weightStream, residualStream);
        var header = new ArrayBufferWriter<byte>();
        WriteHeader(header, signal, config, attributes, format, tensors, prediction, weightStream.Length, residualStream.Length);

        return Frame(format, header.WrittenSpan, weightStream, residualStream);
    }

    /// <summary>
    /// The layout every format version shares (docs/format.md §1): magic, format and decoder versions, the header's
    /// length, the header and its CRC-32 (over everything before it), then the two streams and their CRC-32.
    /// </summary>
    internal static byte[] Frame(int format, ReadOnlySpan<byte> header, ReadOnlySpan<byte> firstStream, ReadOnlySpan<byte> secondStream)
    {
        var file = new ArrayBufferWriter<byte>();
        file.Write(NeuralFileFormat.Magic);
        U16(file, format);
        U16(file, NeuralFileFormat.DecoderVersion);
        U32(file, (uint)header.Length);
        file.Write(header);
        U32(file, Crc32.HashToUInt32(file.WrittenSpan));
        int streams = file.WrittenCount;
        file.Write(firstStream);
        file.Write(secondStream);
        U32(file, Crc32.HashToUInt32(file.WrittenSpan[streams..]));
        return file.WrittenSpan.ToArray();
    }

    private static void WriteHeader(ArrayBufferWriter<byte> w, SignalInfo signal, FieldConfig config,
        IReadOnlyDictionary<string, string> attributes, int format, IReadOnlyList<QuantizedTensor> tensors, ResidualPrediction? prediction, int weightBytes, int residualBytes)
    {
        Ascii(w, signal.Modality);
        U8(w, signal.Dimensions.Length);
        foreach (int d in signal.Dimensions) U32(w, (uint)d);
        U8(w, signal.Channels);
        U8(w, signal.BitDepth);
        U8(w, prediction is null ? 0 : NeuralFileFormat.LosslessFlag);
        U8(w, (int)(prediction ?? 0));
        var json = Encoding.UTF8.GetBytes(ModelConfigText.Write(config));
        if (json.Length > NeuralFileFormat.MaxConfigBytes) throw new NeuralFieldsException("the model config is too long for a neural file");
        U32(w, (uint)json.Length);
        w.Write(json);
        if (format >= 2) Attributes(w, attributes);
        U16(w, tensors.Count);
        foreach (var t in tensors)                                 // names and shapes follow from the config: not stored
        {
            U8(w, t.Bits);
            U8(w, (int)t.Granularity);
            foreach (float step in t.Steps)
            {
                BinaryPrimitives.WriteSingleLittleEndian(w.GetSpan(4), step);
                w.Advance(4);
            }
        }
        U32(w, (uint)weightBytes);
        U32(w, (uint)residualBytes);
        if (w.WrittenCount > NeuralFileFormat.MaxHeaderBytes) throw new NeuralFieldsException("the neural-file header is too long");
    }

    /// <summary>The writer refuses what the reader would refuse, so every file it makes can be read back.</summary>
    private static void CheckTensors(SignalInfo signal, FieldConfig config, IReadOnlyList<QuantizedTensor> tensors)
    {
        if (signal.Modality.Length is 0 or > NeuralFileFormat.MaxModalityLength || !signal.Modality.All(NeuralFileReader.IsModalityChar))
            throw new ArgumentException($"modality '{signal.Modality}' is not a short lower-case name");
        if (signal.Dimensions.Length is 0 or > NeuralFileFormat.MaxRank || signal.Dimensions.Any(d => d < 1)
            || signal.Channels is < 1 or > NeuralFileFormat.MaxChannels || signal.BitDepth is < 1 or > NeuralFileFormat.MaxSampleBits)
            throw new ArgumentException("the signal's shape, channels or bit depth cannot be stored");
        var expected = ModelLayout.Tensors(config, signal);
        if (expected.Count != tensors.Count || expected.Zip(tensors).Any(p => p.First.Name != p.Second.Name || !p.First.Shape.SequenceEqual(p.Second.Shape)))
            throw new ArgumentException("the tensors do not match the layout the config needs: " +
                string.Join(", ", expected.Select(e => $"{e.Name}[{string.Join("x", e.Shape)}]")));
        foreach (var t in tensors)
            if (t.Steps.Any(s => !float.IsFinite(s) || s < 0) || t.Values.Any(v => Math.Abs(v) > t.MaxLevel))
                throw new ArgumentException($"{t.Name}: steps must be finite and non-negative, values within the bit width");
    }
}
