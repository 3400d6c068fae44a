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

    /// <summary>True when the source samples are floats (e.g. 32-bit float WAV), so no integer grid is exact.</summary>
    public bool FloatingPoint { get; init; }

    /// <summary>
    /// Maps the unit cube [-1,1]^d of the field back to the source's own coordinates (meshes): centre
    /// per axis, then one scale. Null for grid signals.
    /// </summary>
    public double[]? Frame { get; init; }

    public bool Equals(SignalInfo? other) =>
        other is not null && Modality == other.Modality && Dimensions.SequenceEqual(other.Dimensions)
        && Channels == other.Channels && BitDepth == other.BitDepth && FloatingPoint == other.FloatingPoint;

    public override int GetHashCode() => HashCode.Combine(Modality, Dimensions.Length, Channels, BitDepth);
}
