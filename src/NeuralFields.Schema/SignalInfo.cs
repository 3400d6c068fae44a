namespace NeuralFields.Schema;

/// <summary>
/// What a field represents: modality, sample grid (slowest axis first, e.g. [height, width]),
/// channels per sample and the integer bit depth of the source samples.
/// </summary>
public sealed record SignalInfo(string Modality, int[] Dimensions, int Channels, int BitDepth)
{
    /// <summary>Coordinates per sample (the network's input width before encoding).</summary>
    public int CoordinateDims => Dimensions.Length;

    public long SampleCount => Dimensions.Aggregate(1L, (a, d) => a * d);

    public int MaxValue => (1 << BitDepth) - 1;

    public bool Equals(SignalInfo? other) =>
        other is not null && Modality == other.Modality && Dimensions.SequenceEqual(other.Dimensions)
        && Channels == other.Channels && BitDepth == other.BitDepth;

    public override int GetHashCode() => HashCode.Combine(Modality, Dimensions.Length, Channels, BitDepth);
}
