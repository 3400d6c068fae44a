namespace NeuralFields.Schema.Components;

/// <summary>
/// Multi-resolution latent grids (Cool-chic, C3): <see cref="Levels"/> single-channel grids of 1, 2 or 3 axes (audio,
/// images, volumes), level l of ⌈n / 2^l⌉ cells along each axis of the <see cref="Resolution"/> (the signal's size,
/// x first), each linearly interpolated along every axis at the query and multiplied by <see cref="Gain"/>; feature l
/// is level l's value. A codec rounds
/// the scaled values to integers and codes them with the <see cref="Entropy"/> model; the grids of a neural
/// file hold exactly those integers (divided by the gain). Cell c of a level of n cells is centred on
/// coordinate (2c + 1)/n − 1, as pixels are, so level 0 of an image-sized grid puts one latent on every pixel.
/// </summary>
public sealed record LatentGridConfig : EncodingConfig
{
    /// <summary>Cells of the finest grid along each axis, x first; empty until a codec sets it to the signal's size.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(Serialization.IntOrArrayConverter))]
    public int[] Resolution { get; init; } = [];

    public int Levels { get; init; } = 7;

    /// <summary>Latent values are Gain · parameter, so Adam's steps on the parameters move the integers by about lr · gain (a power of two keeps q/gain exact).</summary>
    public int Gain { get; init; } = 16;

    /// <summary>Learning rate of the grids and the entropy model; null uses training.learning_rate.</summary>
    public double? LearningRate { get; init; }

    public EntropyModelConfig Entropy { get; init; } = new ArmConfig();

    /// <summary>The entropy model, an ARM (the one kind there is).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ArmConfig Arm => Entropy as ArmConfig ?? throw new ConfigException("latent_grid.entropy must be an arm");

    public override void Validate(string path)
    {
        foreach (var r in Resolution)
            Require(r is >= 1 and <= MaxCells, path, "resolution", $"must be between 1 and {MaxCells} cells", r);
        Require(Resolution.Length <= MaxDimensions, path, "resolution", $"has at most {MaxDimensions} axes", Resolution.Length);
        Require(Levels is >= 1 and <= 12, path, "levels", "must be between 1 and 12", Levels);
        Require(Gain is >= 1 and <= 1024 && (Gain & (Gain - 1)) == 0, path, "gain", "must be a power of two from 1 to 1024", Gain);
        if (LearningRate is double rate) RequirePositive(rate, path, "learning_rate", TrainingConfig.MaxLearningRate);
        Entropy.Validate(path + ".entropy");
    }

    public override IEnumerable<ComponentConfig> Children() => [Entropy];

    public override int OutputDims(int inputDims) => Levels;

    public override EncodingConfig ForSignal(IReadOnlyList<int> dimensions) => Resolution.Length == 0 ? For(dimensions) : this;

    /// <summary>The same grids sized for a signal of these dimensions (slowest axis first).</summary>
    public LatentGridConfig For(IReadOnlyList<int> dimensions) => this with { Resolution = dimensions.Reverse().ToArray() };

    /// <summary>Axes a grid may have: audio (1), images (2), volumes (3).</summary>
    public const int MaxDimensions = 3;

    /// <summary>Cells along one axis at most: a clip of 2^24 frames is over six minutes at 44.1 kHz.</summary>
    public const int MaxCells = 1 << 24;

    /// <summary>Cells of level <paramref name="level"/>, slowest axis first ([width], [height, width], [depth, height, width]).</summary>
    public int[] LevelShape(int level) => Resolution.Reverse().Select(n => Math.Max(1, (int)(((long)n + (1L << level) - 1) >> level))).ToArray();

    /// <summary>Every level's grid ("latents.l", <see cref="LevelShape"/>), then the entropy model's layers ("arm.layers.i").</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputDims)
    {
        if (inputDims is < 1 or > MaxDimensions)
            throw new ConfigException($"latent_grid takes 1-D to {MaxDimensions}-D coordinates, not {inputDims}-D");
        if (Resolution.Length == 0)
            throw new ConfigException("latent_grid.resolution is not set (nf compress sets it to the image size)");
        if (Resolution.Length != inputDims)
            throw new ConfigException($"latent_grid.resolution has {Resolution.Length} values for {inputDims}-D coordinates");
        return [.. Enumerable.Range(0, Levels).Select(l => new TensorSpec(LatentName(l), LevelShape(l))), .. Arm.Tensors().Select(t => t.Prefixed(ArmPrefix))];
    }

    public const string ArmPrefix = "arm";

    public static string LatentName(int level) => $"latents.{level}";

    /// <summary>True for the full name of a latent grid tensor ("encoding.latents.l").</summary>
    public static bool IsLatent(string fullName) => fullName.StartsWith(FieldLayout.Encoding("latents."), StringComparison.Ordinal);

    public bool Equals(LatentGridConfig? other) =>
        other is not null && Resolution.SequenceEqual(other.Resolution) && Levels == other.Levels && Gain == other.Gain
        && LearningRate == other.LearningRate && Entropy.Equals(other.Entropy);

    public override int GetHashCode() => HashCode.Combine(Resolution.Length, Levels, Gain, Entropy);
}
