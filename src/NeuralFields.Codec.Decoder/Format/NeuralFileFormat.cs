namespace NeuralFields.Codec.Decoder;

/// <summary>
/// Constants of the .nf container (docs/format.md). The format version covers the byte layout; the
/// decoder version covers the arithmetic that turns weights into samples (sine, summation order,
/// rounding). A lossless file's residual is exact only against the decoder version that wrote it, so
/// readers refuse versions they do not implement.
/// </summary>
public static class NeuralFileFormat
{
    /// <summary>"\x89NFL\r\n\x1A\n": a high-bit byte and CR LF / ^Z catch text-mode and 7-bit transfer damage, as PNG's signature does.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'N', (byte)'F', (byte)'L', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The layout with signal attributes (§2), written for coordinate networks that have attributes.</summary>
    public const int FormatVersion = 2;

    /// <summary>The layout without signal attributes; still written when a file has none, so image files stay version 1.</summary>
    public const int FirstFormatVersion = 1;

    /// <summary>Latent-grid files (§9): the weight stream holds the synthesis and entropy networks, the second stream the ARM-coded latents.</summary>
    public const int LatentFormatVersion = 3;

    /// <summary>Predictive lossless files (§10): no coordinate network; per-plane predictor networks and the coded samples.</summary>
    public const int PredictiveFormatVersion = 4;

    /// <summary>Latent-grid files with a compact binary header instead of format 3's JSON config and float steps (§9.5).</summary>
    public const int CompactLatentFormatVersion = 5;

    /// <summary>Format 5 with the post filter's radius in its header (§9.6): latent-grid images whose codec fitted a loop filter.</summary>
    public const int FilteredLatentFormatVersion = 6;

    /// <summary>The highest format version this decoder reads.</summary>
    public const int LastFormatVersion = FilteredLatentFormatVersion;

    /// <summary>The newest layout with a coordinate network or latent grids (versions 1-3).</summary>
    public const int NewestFormatVersion = LatentFormatVersion;

    public const int DecoderVersion = 1;

    public const string Extension = ".nf";

    /// <summary>Magic, format version, decoder version, header length.</summary>
    public const int PreambleBytes = 16;

    public const int MinBits = 2, MaxBits = 16;

    // Bounds on every length read from a file, checked before anything is allocated.
    public const int MaxHeaderBytes = 1 << 20;
    public const int MaxConfigBytes = 1 << 16;
    public const int MaxTensors = 1024;
    public const int MaxRank = 4;
    public const int MaxModalityLength = 32;
    public const int MaxAttributes = 16;
    public const int MaxAttributeKeyLength = 32;
    public const int MaxChannels = 16;
    public const int MaxSampleBits = 16;
    /// <summary>Parameters of one model (all tensors together): 2^25 floats are 128 MiB.</summary>
    public const long MaxParameters = 1L << 25;

    /// <summary>Flag bit: a residual stream follows the weights and decoding is exact.</summary>
    public const byte LosslessFlag = 1;
}
