using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Schema;
using static NeuralFields.Codec.Decoder.ByteWriting;

namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>How a predictive file codes its samples (docs/format.md §10.1).</summary>
public enum PredictiveMode : byte
{
    /// <summary>Every sample's bits as they are: the floor for noise and tiny images.</summary>
    Stored = 0,

    /// <summary>Classic prediction (MED or 2·x₋₁ − x₋₂) with activity buckets, no network.</summary>
    Plain = 1,

    /// <summary>Each plane's network gives the prediction and the scale bucket of every sample.</summary>
    Network = 2,

    /// <summary>PNG's row filters, then LZ77 copies and literals, range-coded (§10.6): synthetic images with exact repeats.</summary>
    Matches = 3,
}

/// <summary>Everything before the streams of a format-4 file.</summary>
public sealed record PredictiveHeader(
    SignalInfo Signal, IReadOnlyDictionary<string, string> Attributes, PredictiveMode Mode, ColourTransform Transform,
    IReadOnlyList<PredictorShape> Nets, int HeaderBytes, int WeightBytes, int SampleBytes)
{
    /// <summary>Images: p0 is W + N − NW instead of MED (§10.3).</summary>
    public bool Gradient { get; init; }

    /// <summary>1-D signals: the adaptive cascade on every plane's residual (§10.7); empty for none.</summary>
    public IReadOnlyList<LmsStage> Stages { get; init; } = [];

    /// <summary>Plain and network modes: every decision mixed from four context sets (§10.8).</summary>
    public bool Mixing { get; init; }

    public long FileBytes => NeuralFileFormat.PreambleBytes + (long)HeaderBytes + 4 + WeightBytes + SampleBytes + 4;

    public double BitsPerGridPoint => FileBytes * 8.0 / Signal.SampleCount;

    public double BitsPerSample => BitsPerGridPoint / Signal.Channels;

    public int Parameters => Nets.Sum(n => n.Parameters);
}

/// <summary>A format-4 file's contents: the header, each plane's network (null in the plain and stored modes).</summary>
public sealed record PredictiveContents(PredictiveHeader Header, IReadOnlyList<PredictorNet?> Nets, byte[] SampleStream);

/// <summary>
/// Predictive lossless neural files (format 4, docs/format.md §10): the container of §1 with a header that names the
/// signal, the mode, the colour transform and each plane's network shape, a weight stream with the networks' integers
/// and a sample stream. Writing and reading sit together so they cannot disagree.
/// </summary>
public static class PredictiveFile
{
    /// <summary>The predictor field's value for a 1-D signal with an adaptive cascade (§10.7).</summary>
    private const int CascadePredictor = 2;

    /// <summary>The predictor field's flag for mixed sample coding (§10.8).</summary>
    private const int MixingFlag = 4;

    public const int MaxStages = 3;

    /// <summary>True when <paramref name="bytes"/> start like a format-4 file (the reader then checks the rest).</summary>
    public static bool Is(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 10 && bytes[..8].SequenceEqual(NeuralFileFormat.Magic)
        && BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]) == NeuralFileFormat.PredictiveFormatVersion;

    /// <summary>The start value of every plane: mid-grey (or silence) for sample planes, 0 for difference planes.</summary>
    public static int[] StartValues(ColourTransform transform, int channels, int bitDepth)
    {
        var start = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            bool difference = c > 0 && (transform is ColourTransform.YCoCgR or ColourTransform.SubtractGreen ? c < 3 : transform == ColourTransform.Difference);
            start[c] = difference ? 0 : 1 << (bitDepth - 1);
        }
        return start;
    }

    /// <summary>The samples coded in <paramref name="mode"/>; <paramref name="nets"/> has one network per plane in the network mode.</summary>
    /// <param name="mixing">Plain and network modes: code the samples with the mixed models of §10.8.</param>
    /// <param name="planeBits">Plain and network modes: filled with each plane's bits, its network's weights and its
    /// samples (how the encoder picks each plane's network).</param>
    public static byte[] Write(SignalInfo signal, IReadOnlyDictionary<string, string> attributes, ushort[] samples,
        PredictiveMode mode, ColourTransform transform, IReadOnlyList<PredictorNet>? nets = null, bool gradient = false,
        IReadOnlyList<LmsStage>? stages = null, bool mixing = false, double[]? planeBits = null)
    {
        Check(signal, attributes, mode, transform);
        stages ??= [];
        if (stages.Count > 0 && (signal.Dimensions.Length != 1 || mode is not (PredictiveMode.Plain or PredictiveMode.Network)))
            throw new ArgumentException("the adaptive cascade is for 1-D signals in the plain and network modes", nameof(stages));
        if (stages.Count > MaxStages || stages.Any(s => s.Order is < 1 or > LmsStage.MaxOrder || s.StepShift is < 0 or > LmsStage.MaxStepShift))
            throw new ArgumentException($"at most {MaxStages} stages of order 1-{LmsStage.MaxOrder} and step shift 0-{LmsStage.MaxStepShift}", nameof(stages));
        if (gradient && (signal.Dimensions.Length != 2 || mode is PredictiveMode.Stored or PredictiveMode.Matches))
            throw new ArgumentException("the gradient predictor is for images in the plain and network modes", nameof(gradient));
        if (mixing && mode is not (PredictiveMode.Plain or PredictiveMode.Network))
            throw new ArgumentException("mixed coding is for the plain and network modes", nameof(mixing));
        if (samples.LongLength != signal.SampleCount * signal.Channels) throw new ArgumentException("one sample per grid point and channel", nameof(samples));
        if ((mode == PredictiveMode.Network) != (nets is not null) || (nets is not null && nets.Count != signal.Channels))
            throw new ArgumentException("the network mode needs one network per plane, the other modes none", nameof(nets));
        if (planeBits is not null && planeBits.Length != signal.Channels) throw new ArgumentException("one count per plane", nameof(planeBits));
        var weights = new RangeEncoder();
        for (int c = 0; c < (nets?.Count ?? 0); c++)
        {
            double before = weights.Bits;
            foreach (var tensor in nets![c].Tensors)
                EncodeTensor(weights, tensor);
            if (planeBits is not null) planeBits[c] += weights.Bits - before;
        }
        byte[] sampleStream = mode switch
        {
            PredictiveMode.Stored => StoredCoding.Encode(samples, signal.BitDepth),
            PredictiveMode.Matches => MatchCoding.EncodeBest(samples, signal.Dimensions, signal.Channels, signal.BitDepth),
            _ => PredictiveCoding.Encode(ColourTransforms.Forward(samples, signal.Channels, transform), signal.Dimensions,
                StartValues(transform, signal.Channels, signal.BitDepth), nets is null ? new PredictorNet?[signal.Channels] : nets.ToArray(), gradient: gradient,
                stages: stages, mixing: mixing, planeBits: planeBits),
        };
        var weightStream = nets is null ? [] : weights.Finish();

        var header = new ArrayBufferWriter<byte>();
        Ascii(header, signal.Modality);
        U8(header, signal.Dimensions.Length);
        foreach (int d in signal.Dimensions) U32(header, (uint)d);
        U8(header, signal.Channels);
        U8(header, signal.BitDepth);
        Attributes(header, attributes);
        U8(header, (int)mode);
        U8(header, (int)transform);
        U8(header, (gradient ? 1 : stages.Count > 0 ? CascadePredictor : 0) | (mixing ? MixingFlag : 0));
        if (stages.Count > 0)
        {
            U8(header, stages.Count);
            foreach (var stage in stages)
            {
                U16(header, stage.Order);
                U8(header, stage.StepShift);
            }
        }
        foreach (var net in nets ?? [])
        {
            U8(header, net.Shape.HiddenLayers);
            U8(header, net.Shape.Width);
            U8(header, net.Shape.InputShift);
            U8(header, net.Shape.OutputShift);
            foreach (int k in net.Shape.WeightFractions) U8(header, k);
        }
        U32(header, (uint)weightStream.Length);
        U32(header, (uint)sampleStream.Length);

        return NeuralFileWriter.Frame(NeuralFileFormat.PredictiveFormatVersion, header.WrittenSpan, weightStream, sampleStream);
    }

    /// <summary>The header, after the preamble checks of §1, every field's bounds, the length and the stream CRC.</summary>
    public static PredictiveHeader ReadHeader(byte[] bytes, DecodeLimits? limits = null)
    {
        limits ??= DecodeLimits.Default;
        var (format, _, headerLength) = NeuralFileReader.Preamble(bytes);
        if (format != NeuralFileFormat.PredictiveFormatVersion)
            throw new NeuralFileException($"a format-{format} file is not a predictive lossless file (format {NeuralFileFormat.PredictiveFormatVersion})");
        var header = Parse(bytes.AsSpan(NeuralFileFormat.PreambleBytes, headerLength), limits);
        if (bytes.Length < header.FileBytes)
            throw new NeuralFileException($"the file is truncated ({bytes.Length:N0} of {header.FileBytes:N0} bytes)");
        if (bytes.Length > header.FileBytes)
            throw new NeuralFileException($"the file is damaged: {bytes.Length - header.FileBytes:N0} unexpected bytes after its end");
        int at = StreamsAt(header), length = header.WeightBytes + header.SampleBytes;
        if (Crc32.HashToUInt32(bytes.AsSpan(at, length)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + length)))
            throw new NeuralFileException("the file is damaged: payload checksum (CRC-32) mismatch");
        return header;
    }

    /// <summary>Header and networks; the weight stream must end exactly where its length says.</summary>
    public static PredictiveContents Read(byte[] bytes, DecodeLimits? limits = null)
    {
        var header = ReadHeader(bytes, limits);
        int at = StreamsAt(header);
        var decoder = new RangeDecoder(bytes, at, header.WeightBytes);
        var nets = new PredictorNet?[header.Signal.Channels];
        for (int c = 0; c < header.Nets.Count; c++)
        {
            var shape = header.Nets[c];
            var tensors = new List<int[]>();
            foreach (var (outputs, inputs) in shape.Layers())
            {
                tensors.Add(DecodeTensor(decoder, outputs * inputs));
                tensors.Add(DecodeTensor(decoder, outputs));
            }
            nets[c] = new PredictorNet(shape, tensors);
        }
        if (header.Nets.Count > 0 && !decoder.EndedExactly)
            throw new NeuralFileException("the file is damaged: the weight stream does not end where its length says");
        return new PredictiveContents(header, nets, bytes.AsSpan(at + header.WeightBytes, header.SampleBytes).ToArray());
    }

    /// <summary>The samples of a format-4 file, every check of §10 applied.</summary>
    public static DecodedSignal Decode(byte[] bytes, DecodeLimits? limits = null)
    {
        var file = Read(bytes, limits);
        var h = file.Header;
        var signal = h.Signal;
        var decoder = new RangeDecoder(file.SampleStream, 0, file.SampleStream.Length);
        ushort[] samples;
        if (h.Mode == PredictiveMode.Stored)
        {
            samples = StoredCoding.Decode(decoder, signal.SampleCount * signal.Channels, signal.BitDepth);
        }
        else if (h.Mode == PredictiveMode.Matches)
        {
            samples = MatchCoding.DecodeSamples(decoder, signal.Dimensions, signal.Channels, signal.BitDepth);
        }
        else
        {
            var planes = PredictiveCoding.Decode(decoder, signal.Dimensions, signal.SampleCount,
                StartValues(h.Transform, signal.Channels, signal.BitDepth), file.Nets, gradient: h.Gradient, stages: h.Stages, mixing: h.Mixing);
            samples = ColourTransforms.Inverse(planes, h.Transform, signal.MaxValue);
        }
        if (!decoder.EndedExactly) throw new NeuralFileException("the file is damaged: the sample stream does not end where its length says");
        return new DecodedSignal(signal, samples) { Attributes = h.Attributes };
    }

    /// <summary>Each tensor with a fresh one-context integer model (§4.2), as the weight stream of §4 does.</summary>
    private static void EncodeTensor(RangeEncoder encoder, int[] values)
    {
        var model = new IntegerModel(1);
        foreach (int v in values)
        {
            if (Math.Abs(v) > PredictorShape.MaxWeight) throw new ArgumentException("a network weight beyond 16 bits");
            model.Encode(encoder, v, 0);
        }
    }

    private static int[] DecodeTensor(RangeDecoder decoder, int count)
    {
        var model = new IntegerModel(1);
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = model.Decode(decoder, 0);
            if (Math.Abs(values[i]) > PredictorShape.MaxWeight || decoder.Overrun > 0)
                throw new NeuralFileException("the file is damaged: a network weight is out of range");
        }
        return values;
    }

    public static int StreamsAt(PredictiveHeader header) => NeuralFileFormat.PreambleBytes + header.HeaderBytes + 4;

    private static PredictiveHeader Parse(ReadOnlySpan<byte> span, DecodeLimits limits)
    {
        var r = new ByteReader(span, "header");
        string modality = r.Ascii(r.BoundedU8(1, NeuralFileFormat.MaxModalityLength, "the modality length"), NeuralFileReader.IsModalityChar, "the modality");
        int rank = r.BoundedU8(1, 2, "the signal's rank");
        var dims = new int[rank];
        long points = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = r.Bounded(1, int.MaxValue, "a signal dimension");
            points *= dims[i];
        }
        if (points > limits.MaxGridPoints)
            throw new NeuralFileException($"the file declares a {string.Join("x", dims.Reverse())} {modality} ({points:N0} points), over the limit of {limits.MaxGridPoints:N0}");
        int channels = r.BoundedU8(1, NeuralFileFormat.MaxChannels, "the channel count");
        if (points * channels > 4 * limits.MaxGridPoints)
            throw new NeuralFileException($"the file declares {points:N0} points of {channels} channels, over the limit of {4 * limits.MaxGridPoints:N0} samples");
        int bitDepth = r.BoundedU8(1, NeuralFileFormat.MaxSampleBits, "the bit depth");
        var attributes = NeuralFileReader.ReadAttributes(ref r);
        var signal = new SignalInfo(modality, dims, channels, bitDepth);
        SignalRules.Require(signal, attributes);
        var mode = (PredictiveMode)r.BoundedU8(0, (int)PredictiveMode.Matches, "the coding mode");
        var transform = (ColourTransform)r.BoundedU8(0, (int)ColourTransform.Difference, "the colour transform");
        if (!ColourTransforms.Allowed(transform, channels) || (mode is PredictiveMode.Stored or PredictiveMode.Matches && transform != ColourTransform.None))
            throw new NeuralFileException($"the file is damaged: colour transform {transform} does not fit {channels} channel(s) in mode {mode}");
        int predictorField = r.BoundedU8(0, CascadePredictor | MixingFlag, "the predictor");
        int predictor = predictorField & ~MixingFlag;
        bool mixing = (predictorField & MixingFlag) != 0;
        if (predictor > CascadePredictor) throw new NeuralFileException($"the file is damaged: predictor {predictor} is not one of 0-{CascadePredictor}");
        if (mixing && mode is not (PredictiveMode.Plain or PredictiveMode.Network))
            throw new NeuralFileException("the file is damaged: mixed coding outside the plain or network mode");
        bool gradient = predictor == 1;
        if (gradient && (rank != 2 || mode is PredictiveMode.Stored or PredictiveMode.Matches))
            throw new NeuralFileException("the file is damaged: the gradient predictor outside an image's plain or network mode");
        var stages = new List<LmsStage>();
        if (predictor == CascadePredictor)
        {
            if (rank != 1 || mode is not (PredictiveMode.Plain or PredictiveMode.Network))
                throw new NeuralFileException("the file is damaged: an adaptive cascade outside a 1-D signal's plain or network mode");
            int stageCount = r.BoundedU8(1, MaxStages, "the cascade's stage count");
            for (int i = 0; i < stageCount; i++)
            {
                int order = r.U16();
                if (order is < 1 or > LmsStage.MaxOrder) throw new NeuralFileException($"the file is damaged: a stage's order {order} is outside 1-{LmsStage.MaxOrder}");
                stages.Add(new LmsStage(order, r.BoundedU8(0, LmsStage.MaxStepShift, "a stage's step shift")));
            }
        }
        var nets = new List<PredictorShape>();
        if (mode == PredictiveMode.Network)
        {
                        for (int c = 0; c < channels; c++)
            {
                int hidden = r.BoundedU8(0, PredictorShape.MaxHiddenLayers, "a network's hidden layers");
                int width = r.BoundedU8(1, PredictorShape.MaxWidth, "a network's width");
                int shift = r.BoundedU8(0, PredictorShape.MaxInputShift, "a network's input shift");
                int output = r.BoundedU8(0, PredictorShape.MaxInputShift, "a network's output shift");
                var fractions = new int[hidden + 1];
                for (int l = 0; l <= hidden; l++) fractions[l] = r.BoundedU8(0, PredictorShape.MaxWeightFraction, "a layer's weight fraction");
                nets.Add(new PredictorShape(SampleContext.FeatureCount(rank == 1, c), hidden, width, fractions, shift, output));
            }
        }
        int weightBytes = r.Bounded(0, int.MaxValue, "the weight stream length");
        int sampleBytes = r.Bounded(0, int.MaxValue, "the sample stream length");
        if (!r.AtEnd) throw new NeuralFileException("the file is damaged: its header is longer than its fields");
        if (mode != PredictiveMode.Network && weightBytes != 0) throw new NeuralFileException("the file is damaged: weights in a file without networks");
        return new PredictiveHeader(signal, attributes, mode, transform, nets, span.Length, weightBytes, sampleBytes) { Gradient = gradient, Stages = stages, Mixing = mixing };
    }

    /// <summary>The writer refuses what the reader would refuse.</summary>
    private static void Check(SignalInfo signal, IReadOnlyDictionary<string, string> attributes, PredictiveMode mode, ColourTransform transform)
    {
        if (signal.Dimensions.Length is not (1 or 2) || signal.Dimensions.Any(d => d < 1) || signal.Channels is < 1 or > NeuralFileFormat.MaxChannels
            || signal.BitDepth is < 1 or > NeuralFileFormat.MaxSampleBits)
            throw new ArgumentException("predictive files hold 1-D or 2-D signals of 1-16 channels and 1-16 bits");
        SignalAttributes.Require(attributes);
        if (SignalRules.Problem(signal, attributes) is string problem)
            throw new ArgumentException($"the {signal.Modality} signal and its attributes disagree: {problem}");
        if (!ColourTransforms.Allowed(transform, signal.Channels) || (mode is PredictiveMode.Stored or PredictiveMode.Matches && transform != ColourTransform.None))
            throw new ArgumentException($"colour transform {transform} does not fit {signal.Channels} channel(s) in mode {mode}");
    }
}

/// <summary>The stored mode's sample stream: every sample's <c>n</c> bits, most significant first, at probability ½.</summary>
public static class StoredCoding
{
    public static byte[] Encode(ReadOnlySpan<ushort> samples, int bitDepth)
    {
        var encoder = new RangeEncoder();
        foreach (ushort s in samples)
            for (int b = bitDepth - 1; b >= 0; b--) encoder.EncodeEqual((s >> b) & 1);
        return encoder.Finish();
    }

    public static ushort[] Decode(RangeDecoder decoder, long count, int bitDepth)
    {
        var samples = new ushort[count];
        for (long i = 0; i < count; i++)
        {
            int v = 0;
            for (int b = 0; b < bitDepth; b++) v = (v << 1) | decoder.DecodeEqual();
            samples[i] = (ushort)v;
            if (decoder.Overrun > 0) throw new NeuralFileException("the file is damaged: its sample stream ends early");
        }
        return samples;
    }
}
