namespace NeuralFields.Schema.Components;

/// <summary>
/// Multiresolution hash encoding (Müller et al. 2022, instant-ngp). Field names follow tiny-cuda-nn.
/// Level l has scale s_l = base_resolution · per_level_scale^l − 1 and (⌈s_l⌉ + 1)^d grid vertices;
/// a level that fits in 2^log2_hashmap_size entries is indexed densely, the others through tiny-cuda-nn's
/// spatial hash (XOR of coordinate × prime, primes 1, 2654435761, 805459861).
/// </summary>
public sealed record HashGridConfig : EncodingConfig
{
    public int NLevels { get; init; } = 16;
    public int NFeaturesPerLevel { get; init; } = 2;
    public int Log2HashmapSize { get; init; } = 19;
    public int BaseResolution { get; init; } = 16;
    public double PerLevelScale { get; init; } = 2.0;
    /// <summary>Tables start U(±init_scale) (tiny-cuda-nn: 1e-4).</summary>
    public double InitScale { get; init; } = 1e-4;
    /// <summary>Learning rate of the tables; null uses training.learning_rate.</summary>
    public double? LearningRate { get; init; }
    /// <summary>"native": vectorised C# forward/backward; "torch": TorchSharp gather/index_add (reference, slower).</summary>
    public string Implementation { get; init; } = "native";

    public override void Validate(string path)
    {
        Require(NLevels is >= 1 and <= 32, path, "n_levels", "must be between 1 and 32", NLevels);
        Require(NFeaturesPerLevel is 1 or 2 or 4 or 8, path, "n_features_per_level", "must be 1, 2, 4 or 8", NFeaturesPerLevel);
        Require(Log2HashmapSize is >= 4 and <= 26, path, "log2_hashmap_size", "must be between 4 and 26", Log2HashmapSize);
        Require(BaseResolution is >= 1 and <= 1 << 20, path, "base_resolution", "must be between 1 and 2^20", BaseResolution);
        Require(PerLevelScale is >= 1 and <= 8, path, "per_level_scale", "must be between 1 and 8", PerLevelScale);
        Require(InitScale is >= 0 and <= 1, path, "init_scale", "must be in [0, 1]", InitScale);
        if (LearningRate is double rate) RequirePositive(rate, path, "learning_rate", TrainingConfig.MaxLearningRate);
        Require(Implementation is "native" or "torch", path, "implementation", "must be \"native\" or \"torch\"", Implementation);
    }

    public override int OutputDims(int inputDims) => NLevels * NFeaturesPerLevel;

    /// <summary>Every level's entries in one table, [entries, features per level] (levels laid out by <see cref="HashGridLevel.For"/>).</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputDims)
    {
        if (inputDims is < 1 or > 3)
            throw new ConfigException($"a hash grid takes 1 to 3 coordinates, not {inputDims}");
        long bound = (long)NLevels * (1L << Log2HashmapSize) * NFeaturesPerLevel;
        if (bound > int.MaxValue)
            throw new ConfigException($"hashgrid: {NLevels} levels of 2^{Log2HashmapSize} entries x {NFeaturesPerLevel} features is over 2^31 values");
        var levels = HashGridLevel.For(this, inputDims);
        return [new(TableName, [levels[^1].Offset + levels[^1].Size, NFeaturesPerLevel])];
    }

    /// <summary>The name of the table inside the encoding.</summary>
    public const string TableName = "table";
}
