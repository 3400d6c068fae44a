using System.Buffers.Binary;
using System.IO.Hashing;
using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Codec.Decoder.Latent;

namespace NeuralFields.Codec.Decoder;

/// <summary>Limits a reader applies to what a file declares, so a crafted file cannot demand unbounded memory.</summary>
public sealed record DecodeLimits(long MaxGridPoints = DecodeLimits.DefaultMaxGridPoints)
{
    /// <summary>100 million points (the image loader's pixel limit).</summary>
    public const long DefaultMaxGridPoints = 100_000_000;

    public static DecodeLimits Default { get; } = new();
}

/// <summary>
/// Reads the .nf container. Every failure is one <see cref="NeuralFileException"/> that says what is
/// wrong (not a neural file, truncated, damaged, unknown version, too large); every length is bounded
/// before it is used, and checksums are verified before the contents are trusted.
/// </summary>
public static class NeuralFileReader
{
    /// <summary>Files above 1 GiB are refused before being read.</summary>
    public const long MaxFileBytes = 1L << 30;

    public static byte[] LoadBytes(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new NeuralFileException($"neural file not found: {path}");
            if (info.Length > MaxFileBytes) throw new NeuralFileException($"{path} is {info.Length:N0} bytes, too large to be a neural file");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralFileException($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>The header, after checking the preamble, both checksums and every declared size.</summary>
    public static NeuralFileHeader ReadHeader(byte[] bytes, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var (format, decoder, headerLength) = Preamble(bytes);
        if (format == NeuralFileFormat.PredictiveFormatVersion)
            throw new NeuralFileException("a predictive lossless file (format 4) has no network header of versions 1-3");
        int streamsAt = NeuralFileFormat.PreambleBytes + headerLength + 4;
        var span = bytes.AsSpan(NeuralFileFormat.PreambleBytes, headerLength);
        var header = format is NeuralFileFormat.CompactLatentFormatVersion or NeuralFileFormat.FilteredLatentFormatVersion
            ? CompactLatentHeader.Parse(span, format, decoder, limits)
            : ParseHeader(span, format, decoder, limits);
        long expected = header.FileBytes;
        if (bytes.Length < expected)
            throw new NeuralFileException($"the file is truncated ({bytes.Length:N0} of {expected:N0} bytes)");
        if (bytes.Length > expected)
            throw new NeuralFileException($"the file is damaged: {bytes.Length - expected:N0} unexpected bytes after its end");
        int streamsLength = header.WeightBytes + header.ResidualBytes;
        uint streamsCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(streamsAt + streamsLength));
        if (Crc32.HashToUInt32(bytes.AsSpan(streamsAt, streamsLength)) != streamsCrc)
            throw new NeuralFileException("the file is damaged: payload checksum (CRC-32) mismatch");
        return header;
    }

    /// <summary>
    /// The checks every version shares (§1), in order: magic, preamble length, format and decoder version, header
    /// length, the file holding the header and its CRC, the header CRC. Returns the versions and the header length.
    /// </summary>
    internal static (int Format, int Decoder, int HeaderLength) Preamble(byte[] bytes)
    {
        var magic = NeuralFileFormat.Magic;
        int compared = Math.Min(bytes.Length, magic.Length);
        if (!bytes.AsSpan(0, compared).SequenceEqual(magic[..compared]))
            throw new NeuralFileException("not a neural file (wrong magic bytes)");
        if (bytes.Length < NeuralFileFormat.PreambleBytes)
            throw new NeuralFileException($"the file is truncated ({bytes.Length} bytes, shorter than the {NeuralFileFormat.PreambleBytes}-byte preamble)");

        int format = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        if (format is < NeuralFileFormat.FirstFormatVersion or > NeuralFileFormat.LastFormatVersion)
            throw new NeuralFileException($"unsupported neural-file format version {format} (this decoder reads versions {NeuralFileFormat.FirstFormatVersion}-{NeuralFileFormat.LastFormatVersion}); a newer nf may read it");
        int decoder = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10));
        if (decoder is < 1 or > NeuralFileFormat.DecoderVersion)
            throw new NeuralFileException($"the file needs decoder version {decoder}; this decoder implements version {NeuralFileFormat.DecoderVersion}");
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        if (headerLength > NeuralFileFormat.MaxHeaderBytes)
            throw new NeuralFileException($"the file is damaged: header length {headerLength:N0} is over the {NeuralFileFormat.MaxHeaderBytes:N0}-byte limit");
        int streamsAt = NeuralFileFormat.PreambleBytes + (int)headerLength + 4;
        if (bytes.Length < streamsAt + 4)
            throw new NeuralFileException($"the file is truncated ({bytes.Length:N0} bytes; its header alone needs {streamsAt + 4:N0})");
        uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(streamsAt - 4));
        if (Crc32.HashToUInt32(bytes.AsSpan(0, streamsAt - 4)) != headerCrc)
            throw new NeuralFileException("the file is damaged: header checksum (CRC-32) mismatch");

        return (format, decoder, (int)headerLength);
    }

    /// <summary>The whole file: header, every tensor's integers and the residual, each stream checked to end exactly.</summary>
    public static NeuralFile Read(byte[] bytes, DecodeLimits? limits = null)
    {
        var header = ReadHeader(bytes, limits);
        int at = NeuralFileFormat.PreambleBytes + header.HeaderBytes + 4;
        var values = header.Tensors.Select(t => new int[t.Elements]).ToArray();
        var weights = new RangeDecoder(bytes, at, header.WeightBytes);
        TensorCoding.Decode(weights, header.Tensors.Zip(values, (t, v) => (QuantizedTensor.MaxLevelFor(t.Bits), v))
            .Where((_, i) => !LatentGridConfig.IsLatent(header.Tensors[i].Name)).ToList());
        if (!weights.EndedExactly) throw new NeuralFileException("the file is damaged: the weight stream does not end where its length says");
        var tensors = header.Tensors.Zip(values, (t, v) => new QuantizedTensor(t.Name, t.Shape, t.Bits, t.Granularity, t.Steps, v)).ToList();
        if (header.Latent)
        {
            // The synthesis and entropy networks came first; the ARM now gives the latents their probabilities.
            LatentPayload.Decode(bytes, at + header.WeightBytes, header.LatentBytes, (LatentGridConfig)header.Config.Encoding.ForSignal(header.Signal.Dimensions), tensors);
            return new NeuralFile(header, tensors, null);
        }

        int[]? residual = null;
        if (header.Residual is ResidualPrediction prediction)
        {
            var signal = header.Signal;
            residual = ResidualCoding.Decode(bytes, at + header.WeightBytes, header.ResidualBytes, signal.SampleCount * signal.Channels,
                signal.Dimensions[^1], signal.Channels, prediction, signal.MaxValue);
        }
        return new NeuralFile(header, tensors, residual);
    }

    internal static bool IsModalityChar(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_';

    private static NeuralFileHeader ParseHeader(ReadOnlySpan<byte> span, int format, int decoder, DecodeLimits limits)
    {
        var r = new ByteReader(span, "header");
        string modality = r.Ascii(r.BoundedU8(1, NeuralFileFormat.MaxModalityLength, "the modality length"), IsModalityChar, "the modality");
        int rank = r.BoundedU8(1, NeuralFileFormat.MaxRank, "the signal's rank");
        var dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = r.Bounded(1, int.MaxValue, "a signal dimension");
        int channels = r.BoundedU8(1, NeuralFileFormat.MaxChannels, "the channel count");
        int bitDepth = r.BoundedU8(1, NeuralFileFormat.MaxSampleBits, "the bit depth");
        int flags = r.BoundedU8(0, NeuralFileFormat.LosslessFlag, "the flags");
        int mode = r.BoundedU8(0, (int)ResidualPrediction.SpatialAndChannel, "the residual prediction");
        string json = r.Utf8(r.Bounded(2, NeuralFileFormat.MaxConfigBytes, "the config length"), "the model config");
        var attributes = format >= 2 ? ReadAttributes(ref r) : SignalAttributes.None;

        long points = 1;
        foreach (int d in dims)
        {
            points *= d;                                                  // ≤ (2^31)^4 is too much for long: stop early
            if (points > limits.MaxGridPoints)
                throw new NeuralFileException(
                    $"the file declares a {string.Join("x", dims.Reverse())} {modality} ({Product(dims):N0} points), over the limit of {limits.MaxGridPoints:N0}");
        }
        if (points * channels > 4 * limits.MaxGridPoints)
            throw new NeuralFileException($"the file declares {points:N0} points of {channels} channels, over the limit of {4 * limits.MaxGridPoints:N0} samples");
        var signal = new SignalInfo(modality, dims, channels, bitDepth);
        SignalRules.Require(signal, attributes);
        var config = ModelConfigText.Read(json);
        bool latent = format == NeuralFileFormat.LatentFormatVersion;
        if (latent != config.Encoding is LatentGridConfig)
            throw new NeuralFileException(latent
                ? "the file is damaged: a format-3 file whose model has no latent grids"
                : $"the file is damaged: a latent-grid model in a format-{format} file");
        var layout = ModelLayout.Tensors(config, signal);              // refuses unsupported or oversized models before any allocation

        int count = r.U16();
        if (count != layout.Count)
            throw new NeuralFileException($"the file is damaged: {count} tensors where its config needs {layout.Count}");
        var tensors = new List<TensorEntry>(count);
        foreach (var (name, shape) in layout)
        {
            int bits = r.BoundedU8(NeuralFileFormat.MinBits, NeuralFileFormat.MaxBits, $"the bit width of {name}");
            var granularity = (QuantizationGranularity)r.BoundedU8(0, (int)QuantizationGranularity.Row, $"the granularity of {name}");
            var steps = new float[QuantizedTensor.StepCount(shape, granularity)];
            for (int i = 0; i < steps.Length; i++)
            {
                steps[i] = r.F32();
                if (!float.IsFinite(steps[i]) || steps[i] < 0)
                    throw new NeuralFileException($"the file is damaged: a quantisation step of {name} is {steps[i]}");
            }
            tensors.Add(new TensorEntry(name, shape, bits, granularity, steps));
        }
        int weightBytes = r.Bounded(0, int.MaxValue, "the weight stream length");
        int residualBytes = r.Bounded(0, int.MaxValue, "the residual stream length");
        if (!r.AtEnd) throw new NeuralFileException("the file is damaged: its header is longer than its fields");
        bool lossless = (flags & NeuralFileFormat.LosslessFlag) != 0;
        if (latent && lossless)
            throw new NeuralFileException("the file is damaged: a latent-grid file marked lossless");
        if (latent)
            LatentPayload.CheckSteps((LatentGridConfig)config.Encoding.ForSignal(signal.Dimensions), tensors);
        if (!lossless && (mode != 0 || (residualBytes != 0 && !latent)))
            throw new NeuralFileException("the file is damaged: a residual in a lossy file");
        return new NeuralFileHeader(format, decoder, signal, config, json, tensors,
            lossless ? (ResidualPrediction)mode : null, span.Length, weightBytes, residualBytes) { Attributes = attributes };
    }

    internal static SortedDictionary<string, string> ReadAttributes(ref ByteReader r)
    {
        int count = r.BoundedU8(0, NeuralFileFormat.MaxAttributes, "the attribute count");
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = r.Ascii(r.BoundedU8(1, NeuralFileFormat.MaxAttributeKeyLength, "an attribute key length"), IsModalityChar, "an attribute key");
            string value = r.Ascii(r.BoundedU8(1, byte.MaxValue, "an attribute value length"), SignalAttributes.IsValueChar, $"attribute {key}");
            if (!attributes.TryAdd(key, value)) throw new NeuralFileException($"the file is damaged: attribute {key} appears twice");
        }
        return attributes;
    }

    private static System.Numerics.BigInteger Product(int[] dims) =>
        dims.Aggregate(System.Numerics.BigInteger.One, (a, d) => a * d);
}
