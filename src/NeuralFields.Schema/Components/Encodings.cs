namespace NeuralFields.Schema.Components;

/// <summary>No encoding: the network sees the raw coordinates.</summary>
public sealed record IdentityEncodingConfig : EncodingConfig;

/// <summary>
/// NeRF positional encoding: [x, sin(2^k s x), cos(2^k s x)] for k = 0..octaves-1, with s = π when
/// <see cref="MultiplyByPi"/> (the NeRF paper and tiny-cuda-nn) or 1 (most NeRF code).
/// </summary>
public sealed record PositionalEncodingConfig : EncodingConfig
{
    public required int Octaves { get; init; }
    public bool IncludeInput { get; init; } = true;
    public bool MultiplyByPi { get; init; } = true;

    public override void Validate(string path)
    {
        Require(Octaves is >= 1 and <= 24, path, "octaves", "must be between 1 and 24", Octaves);
    }
}

/// <summary>
/// Gaussian random Fourier features (Tancik et al.): [cos(2π B x), sin(2π B x)], B ~ N(0, σ²),
/// drawn from <see cref="Seed"/> with NeuralFields' portable generator so any decoder can rebuild it.
/// </summary>
public sealed record GaussianFourierConfig : EncodingConfig
{
    public required int Features { get; init; }
    public required double Sigma { get; init; }
    public ulong Seed { get; init; } = 0;

    public override void Validate(string path)
    {
        Require(Features is >= 1 and <= 65536, path, "features", "must be between 1 and 65536", Features);
        Require(Sigma > 0 && double.IsFinite(Sigma), path, "sigma", "must be a positive number", Sigma);
    }
}
