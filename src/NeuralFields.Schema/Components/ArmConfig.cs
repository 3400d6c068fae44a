namespace NeuralFields.Schema.Components;

/// <summary>The model that gives latents their probabilities (and so their rate).</summary>
public abstract record EntropyModelConfig : ComponentConfig;

/// <summary>
/// Auto-regressive entropy model (Cool-chic's ARM): an MLP of <see cref="HiddenLayers"/> ReLU layers of
/// <see cref="Width"/> over the <see cref="Context"/> nearest already-decoded latents of the same grid
/// (<see cref="Offsets"/>, zero outside the grid), one network for every level. It outputs the mean μ and the
/// log-scale s of a Laplace distribution; latent k has probability F(k + ½) − F(k − ½). The decoder runs it in
/// fixed point (docs/format.md §9) so encoder and decoder compute the same probabilities on every machine.
/// </summary>
public sealed record ArmConfig : EntropyModelConfig
{
    public int Context { get; init; } = 12;
    public int Width { get; init; } = 16;
    public int HiddenLayers { get; init; } = 2;

    public override void Validate(string path)
    {
        Require(Context is >= 1 and <= 12, path, "context", "must be between 1 and 12", Context);
        Require(Width is >= 1 and <= 64, path, "width", "must be between 1 and 64", Width);
        Require(HiddenLayers is >= 1 and <= 4, path, "hidden_layers", "must be between 1 and 4", HiddenLayers);
    }

    /// <summary>Causal neighbours (dy, dx), nearest first: the first <see cref="Context"/> are the inputs, in this order.</summary>
    public static readonly (int Dy, int Dx)[] Offsets =
        [(0, -1), (-1, 0), (-1, -1), (-1, 1), (0, -2), (-2, 0), (-1, -2), (-1, 2), (-2, -1), (-2, 1), (-2, -2), (-2, 2)];

    /// <summary>Rows above and columns beside the current latent the context reaches.</summary>
    public const int Reach = 2;

    /// <summary>
    /// The causal neighbours of a grid of <paramref name="dimensions"/> axes (1 to 3), as offsets slowest axis first,
    /// nearest first; the first <see cref="Context"/> are the inputs. In 2-D they are <see cref="Offsets"/>. A 1-D grid
    /// (audio) uses the 12 samples before; a 3-D grid (volumes) its slice's nearest causal neighbours and the previous
    /// slices', by distance: 3 at 1, 6 at √2, 3 at 2. Every offset comes before the latent in raster order.
    /// </summary>
    public static IReadOnlyList<int[]> OffsetsFor(int dimensions) => dimensions switch
    {
        1 => Offsets1D,
        2 => Offsets2D,
        3 => Offsets3D,
        _ => throw new ConfigException($"latent grids have 1 to 3 axes, not {dimensions}"),
    };

    private static readonly int[][] Offsets1D = [.. Enumerable.Range(1, 12).Select(k => new[] { -k })];

    private static readonly int[][] Offsets2D = [.. Offsets.Select(o => new[] { o.Dy, o.Dx })];

    private static readonly int[][] Offsets3D =
    [
        [0, 0, -1], [0, -1, 0], [-1, 0, 0],
        [0, -1, -1], [0, -1, 1], [-1, 0, -1], [-1, 0, 1], [-1, -1, 0], [-1, 1, 0],
        [0, 0, -2], [0, -2, 0], [-2, 0, 0],
    ];

    /// <summary>Log-scales are clamped to [Min, Min + Step·(Count − 1)] and the decoder's tables sit on that lattice.</summary>
    public const double LogScaleMin = -4.0, LogScaleStep = 0.25;
    public const int LogScaleCount = 40;

    public static double LogScaleMax => LogScaleMin + LogScaleStep * (LogScaleCount - 1);

    /// <summary>Outputs per latent: μ and the log-scale.</summary>
    public const int Outputs = 2;

    /// <summary>Linear layers "layers.i": context → width, (width → width) × (hidden − 1), width → 2.</summary>
    public IReadOnlyList<TensorSpec> Tensors() =>
        Enumerable.Range(0, HiddenLayers + 1)
            .SelectMany(l => LinearLayer.Tensors(MlpConfig.Layer(l), l == 0 ? Context : Width, l == HiddenLayers ? Outputs : Width))
            .ToList();

    /// <summary>Multiplications per latent.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Multiplications => Context * Width + (HiddenLayers - 1) * Width * Width + Width * Outputs;
}
