using NeuralFields.Codec.Decoder;

namespace NeuralFields.Codec.Compression;

/// <summary>
/// A finished neural file and what it cost and achieved, measured on what the portable decoder produces
/// (<paramref name="Decoded"/>: the file decoded once as a user will, kept for modality-specific reports).
/// </summary>
public sealed record CompressionResult(
    byte[] File, NeuralFileHeader Header, DecodedSignal Decoded, double Psnr, double PsnrFloat, int Steps, int QatSteps, double Seconds, bool ReachedLosslessInTraining)
{
    public double BitsPerGridPoint => Header.BitsPerGridPoint;
}
