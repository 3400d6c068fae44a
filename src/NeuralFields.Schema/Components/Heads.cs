namespace NeuralFields.Schema.Components;

/// <summary>
/// Linear output. With <see cref="Centered"/> the network predicts 2v - 1 (values mapped to [-1,1],
/// as SIREN does); otherwise it predicts v directly.
/// </summary>
public sealed record LinearHeadConfig : HeadConfig
{
    public bool Centered { get; init; } = true;
}

/// <summary>Sigmoid output: v = σ(z), always inside [0,1].</summary>
public sealed record SigmoidHeadConfig : HeadConfig;

/// <summary>
/// Bit planes, one logit per bit per channel (n·channels outputs for n-bit samples): BCE on the bits,
/// decoding thresholds each logit at 0 and recomposes the integer Σ 2^i b_i exactly.
/// </summary>
public sealed record BitPlaneHeadConfig : HeadConfig
{
    public override int RawOutputs(int channels, int bitDepth) => channels * bitDepth;
}

/// <summary>
/// Bit planes in the form of Han et al. (CVPR 2025): the bit index is an extra input coordinate
/// b = linspace(-1, 1, n) (bit 0, the LSB, at -1) and the network gives one logit per channel per query.
/// </summary>
public sealed record BitPlaneCoordinateHeadConfig : HeadConfig
{
    public override int RawOutputs(int channels, int bitDepth) => channels * bitDepth;

    public override int ExtraCoordinates() => 1;

    public override int QueriesPerSample(int bitDepth) => bitDepth;
}
