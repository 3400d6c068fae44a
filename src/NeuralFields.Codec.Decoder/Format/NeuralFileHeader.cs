using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder;

/// <summary>One tensor's entry in the header: name, shape and quantisation (its integers are in the weight stream).</summary>
public sealed record TensorEntry(string Name, int[] Shape, int Bits, QuantizationGranularity Granularity, float[] Steps)
{
    public long Elements => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Everything before the streams: what the file holds and how to read the rest. <see cref="ResidualBytes"/> is the
/// length of the second stream: the residual of a lossless file, or the latents of a latent-grid file.
/// </summary>
public sealed record NeuralFileHeader(
    int FormatVersion, int DecoderVersion, SignalInfo Signal, FieldConfig Config, string ConfigJson,
    IReadOnlyList<TensorEntry> Tensors, ResidualPrediction? Residual, int HeaderBytes, int WeightBytes, int ResidualBytes)
{
    public bool Lossless => Residual is not null;

    /// <summary>A latent-grid file (format 3, or 5 with the compact header): its second stream holds the latents, not a residual.</summary>
    public bool Latent => FormatVersion is NeuralFileFormat.LatentFormatVersion or NeuralFileFormat.CompactLatentFormatVersion or NeuralFileFormat.FilteredLatentFormatVersion;

    /// <summary>Bytes of the ARM-coded latents (formats 3 and 5), 0 otherwise.</summary>
    public int LatentBytes => Latent ? ResidualBytes : 0;

    /// <summary>
    /// What the modality needs to write the signal back in its source format (audio: sample rate, WAV
    /// sample format); empty in version-1 files. Keys are sorted so the same signal gives the same bytes.
    /// </summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = SignalAttributes.None;

    public long Parameters => Tensors.Sum(t => t.Elements);

    /// <summary>The whole file: preamble, header, its CRC, the two streams and their CRC.</summary>
    public long FileBytes => NeuralFileFormat.PreambleBytes + (long)HeaderBytes + 4 + WeightBytes + ResidualBytes + 4;

    /// <summary>Points of the sample grid (pixels of an image).</summary>
    public long GridPoints => Signal.SampleCount;

    public double BitsPerGridPoint => FileBytes * 8.0 / GridPoints;

    public double BitsPerSample => FileBytes * 8.0 / (GridPoints * Signal.Channels);
}

/// <summary>A whole neural file: its header, the integers of every tensor and (lossless) the residual.</summary>
public sealed record NeuralFile(NeuralFileHeader Header, IReadOnlyList<QuantizedTensor> Tensors, int[]? Residual);
