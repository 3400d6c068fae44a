namespace NeuralFields.Schema.Components;

/// <summary>No encoding: the network sees the raw coordinates.</summary>
public sealed record IdentityEncodingConfig : EncodingConfig
{
    public override int OutputDims(int inputDims) => inputDims;
}

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

    public override int OutputDims(int inputDims) => inputDims * (2 * Octaves + (IncludeInput ? 1 : 0));

    /// <summary>The frequencies 2^k·s, [1, octaves, 1].</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputDims) => [new("frequencies", [1, Octaves, 1], TensorRole.Constant)];
}

/// <summary>
/// Gaussian random Fourier features (Tancik et al.): [cos(2π B x), sin(2π B x)], B ~ N(0, σ²),
/// drawn from <see cref="Seed"/> with NeuralFields' portable generator so any decoder can rebuild it.
/// </summary>
public sealed record GaussianFourierConfig : EncodingConfig
{
    public required int Features { get; init; }
    public required double Sigma { get; init; }
    public ulong Seed { get; init; }

    public override void Validate(string path)
    {
        Require(Features is >= 1 and <= 65536, path, "features", "must be between 1 and 65536", Features);
        RequirePositive(Sigma, path, "sigma", 1e5);
    }

    public override int OutputDims(int inputDims) => 2 * Features;

    /// <summary>2πB, [features, dims] (<see cref="GaussianFourierMatrix"/>).</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputDims) => [new(ProjectionName, [Features, inputDims], TensorRole.Constant)];

    public const string ProjectionName = "projection";
}

/// <summary>
/// Shifted copies of one basis function φ (Zheng, Ramasinghe, Lucey 2021, "Rethinking positional
/// encoding"): for every direction t of the coordinate, [φ(t − c_0), …, φ(t − c_{D−1})] with
/// D = <see cref="Centers"/> centres c_k = (2k + 1)/D − 1, the cell centres of [-1,1] (spacing 2/D, the
/// layout of <see cref="SampleGrid"/>, so D = the image width puts one centre on every pixel). Directions
/// are concatenated. The features are divided by the largest row L2 norm on the training grid,
/// computed once and stored with the model (the paper's notebooks divide by the largest norm of each batch).
/// </summary>
public abstract record ShiftedBasisConfig : EncodingConfig
{
    public required int Centers { get; init; }
    public ShiftDirections Directions { get; init; } = ShiftDirections.Axes;

    public override void Validate(string path)
    {
        Require(Centers is >= 1 and <= 65536, path, "centers", "must be between 1 and 65536", Centers);
        Require(Enum.IsDefined(Directions), path, "directions", "must be \"axes\" or \"four\"", Directions);
    }

    /// <summary>Directions the centres lie along: one per axis, or the four of the 2-D paper (2-D coordinates only).</summary>
    public int DirectionCount(int inputDims)
    {
        if (Directions == ShiftDirections.Four && inputDims != 2)
            throw new ConfigException($"directions \"four\" needs 2-D coordinates, not {inputDims}-D");
        return Directions == ShiftDirections.Four ? 4 : inputDims;
    }

    public override int OutputDims(int inputDims) => DirectionCount(inputDims) * Centers;

    /// <summary>The direction matrix [dims, K], the centres [1, 1, D] and the normalisation [1] fixed on the training grid.</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputDims) =>
    [
        new(ProjectionName, [inputDims, DirectionCount(inputDims)], TensorRole.Constant),
        new(CentersName, [1, 1, Centers], TensorRole.Constant),
        new(NormName, [1], TensorRole.Calibration),
    ];

    public const string ProjectionName = "projection", CentersName = "centers", NormName = "norm";
}

/// <summary>
/// Gaussian shifted basis φ(t) = exp(−t²/(2σ²)). σ is in coordinate units of [-1,1], twice the
/// paper's [0,1] units (its σ = 0.006 at D = 512 per direction is σ = 0.012 here).
/// </summary>
public sealed record ShiftedGaussianConfig : ShiftedBasisConfig
{
    public required double Sigma { get; init; }

    public override void Validate(string path)
    {
        base.Validate(path);
        RequirePositive(Sigma, path, "sigma", 1e3, min: 1e-6);   // in [-1, 1] units; a vanishing σ leaves no feature to normalise
    }
}

/// <summary>
/// Triangle (linear-interpolation) shifted basis φ(t) = max(0, 1 − |t|/d), d = <see cref="HalfWidth"/>
/// in coordinate units of [-1,1]. Unset, d is the centre spacing 2/D (the paper's default 1/D in
/// [0,1] units): then every coordinate has at most two non-zero features, linear interpolation weights.
/// </summary>
public sealed record ShiftedTriangleConfig : ShiftedBasisConfig
{
    public double? HalfWidth { get; init; }

    public override void Validate(string path)
    {
        base.Validate(path);
        if (HalfWidth is double d) RequirePositive(d, path, "half_width", 1e3, min: 1e-6);
    }
}

/// <summary>
/// Learnable Fourier features (Li et al. 2021): r(x) = (1/√F)[cos(x W_rᵀ) ‖ sin(x W_rᵀ)] with a trainable
/// W_r of shape [F/2, dims] initialised N(0, 1/γ²) (std 1/γ, no 2π factor), F = <see cref="Features"/>.
/// With <see cref="MlpHidden"/> > 0 an MLP follows, GeLU(r W₁ + b₁) W₂ + b₂, of hidden width H and
/// <see cref="Output"/> features (0 = F); the paper's G position groups are one group here.
/// </summary>
public sealed record LearnableFourierConfig : EncodingConfig
{
    public required int Features { get; init; }
    public required double Gamma { get; init; }
    public int MlpHidden { get; init; }
    public int Output { get; init; }

    public override void Validate(string path)
    {
        Require(Features is >= 2 and <= 65536 && Features % 2 == 0, path, "features", "must be an even number between 2 and 65536", Features);
        RequirePositive(Gamma, path, "gamma", 1e6, min: 1e-6);   // W's std is 1/γ: a vanishing γ overflows float
        Require(MlpHidden is >= 0 and <= 16384, path, "mlp_hidden", "must be between 0 (no MLP) and 16384", MlpHidden);
        Require(Output is >= 0 and <= 65536, path, "output", "must be between 0 (same as features) and 65536", Output);
        Require(Output == 0 || MlpHidden > 0, path, "output", "needs mlp_hidden > 0 (without the MLP the width is features)", Output);
    }

    public override int OutputDims(int inputDims) => MlpHidden > 0 && Output > 0 ? Output : Features;

    /// <summary>The trainable frequencies W_r [F/2, dims], then the optional MLP's two linear layers.</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputDims) =>
        MlpHidden == 0
            ? [new("frequencies", [Features / 2, inputDims])]
            : [new("frequencies", [Features / 2, inputDims]), .. LinearLayer.Tensors("hidden", Features, MlpHidden), .. LinearLayer.Tensors("output", MlpHidden, OutputDims(inputDims))];
}

/// <summary>
/// Quantized coordinates (CQ-NIR, Jiang et al. 2023): each coordinate is snapped to the centre of its
/// cell of a regular lattice of <see cref="Resolution"/> cells per axis over [-1,1] (cell i has centre
/// (2i + 1)/R − 1; outside points go to the edge cell) before the <see cref="Inner"/> encoding, so all
/// points of one cell give the same output. R counts cells (CQ-NIR's "res" counts lattice nodes, R + 1);
/// R = the image size makes the snap the identity on the pixel grid and nearest-neighbour when rendering larger.
/// <see cref="Resolution"/> is one number for every axis or one per axis (x first), written as in the JSON.
/// </summary>
public sealed record QuantizedEncodingConfig : EncodingConfig
{
    [System.Text.Json.Serialization.JsonConverter(typeof(Serialization.IntOrArrayConverter))]
    public required int[] Resolution { get; init; }
    public required EncodingConfig Inner { get; init; }

    public override void Validate(string path)
    {
        Require(Resolution.Length >= 1, path, "resolution", "must be a number or a non-empty list", "[]");
        foreach (var r in Resolution)
            Require(r is >= 1 and <= 1 << 24, path, "resolution", "must be between 1 and 16777216 cells", r);
        Inner.Validate(path + ".inner");
    }

    /// <summary>Cells along each of <paramref name="dims"/> axes.</summary>
    public int[] ResolutionFor(int dims)
    {
        if (Resolution.Length == 1) return Enumerable.Repeat(Resolution[0], dims).ToArray();
        if (Resolution.Length != dims)
            throw new ConfigException($"quantized.resolution has {Resolution.Length} values for {dims}-D coordinates");
        return Resolution.ToArray();
    }

    public override IEnumerable<ComponentConfig> Children() => [Inner];

    public override int OutputDims(int inputDims) => Inner.OutputDims(inputDims);

    /// <summary>Cells per axis [1, dims], then the inner encoding's tensors under "inner.".</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputDims) =>
        [new("cells", [1, inputDims], TensorRole.Constant), .. Inner.Tensors(inputDims).Select(t => t.Prefixed(InnerPrefix))];

    /// <summary>The inner encoding's tensors are named "inner.…".</summary>
    public const string InnerPrefix = "inner";

    // Arrays compare by reference in records; configs compare by value.
    public bool Equals(QuantizedEncodingConfig? other) =>
        other is not null && Resolution.SequenceEqual(other.Resolution) && Inner.Equals(other.Inner);

    public override int GetHashCode() => HashCode.Combine(Resolution.Length, Inner);
}
