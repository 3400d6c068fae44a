namespace NeuralFields.Schema.Components;

/// <summary>
/// A multilayer perceptron: <see cref="HiddenLayers"/> hidden layers of <see cref="Width"/> units,
/// then a linear output layer. Input and output widths come from the encoding and the head.
/// </summary>
public sealed record MlpConfig : NetworkConfig
{
    public required int HiddenLayers { get; init; }
    public required int Width { get; init; }
    public required ActivationConfig Activation { get; init; }

    public override void Validate(string path)
    {
        Require(HiddenLayers is >= 1 and <= 64, path, "hidden_layers", "must be between 1 and 64", HiddenLayers);
        Require(Width is >= 1 and <= 16384, path, "width", "must be between 1 and 16384", Width);
        Activation.Validate(path + ".activation");
    }

    public override IEnumerable<ComponentConfig> Children() => [Activation];

    /// <summary>Name of linear layer <paramref name="layer"/> (0 = the first; <see cref="HiddenLayers"/> = the output layer).</summary>
    public static string Layer(int layer) => $"layers.{layer}";

    /// <summary>Every linear layer in order: weight [out, in] then bias [out], the output layer last.</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputs, int outputs) =>
        Enumerable.Range(0, HiddenLayers + 1)
            .SelectMany(l => LinearLayer.Tensors(Layer(l), l == 0 ? inputs : Width, l == HiddenLayers ? outputs : Width))
            .ToList();
}

/// <summary>
/// PINs-style progressive network (Landgraf et al. 2022; the level structure below is our reading of the
/// abstract, the paper's details were not available). It band-encodes its own input, so pair it with
/// encoding "none": NeRF frequencies 2^k s (s = π when <see cref="MultiplyByPi"/>), k = 0..octaves−1, are
/// split into <see cref="Levels"/> consecutive bands, lower ones first (earlier levels get the extra octave
/// when they do not divide evenly). Level 1 sees [x ‖ γ_1(x)] (x only with <see cref="IncludeInput"/>),
/// level k &gt; 1 sees [h_{k−1} ‖ γ_k(x)]; each runs <see cref="LayersPerLevel"/> layers of
/// <see cref="Width"/> units to its hidden state h_k and has its own linear head o_k. The output of
/// level k is o_1 + … + o_k; the loss sees the finest level only, and any level can be rendered.
/// With <see cref="LevelSteps"/> &gt; 0 training runs coarse to fine: level k joins at training step
/// (k−1)·level_steps with a zero head, so each finer level learns what the coarser ones leave and the
/// coarse levels stay usable images on their own (without it the levels only make sense summed).
/// </summary>
public sealed record ProgressiveConfig : NetworkConfig
{
    public required int Levels { get; init; }
    public required int Octaves { get; init; }
    public required int Width { get; init; }
    public int LayersPerLevel { get; init; } = 1;
    public required ActivationConfig Activation { get; init; }
    public bool MultiplyByPi { get; init; } = true;
    public bool IncludeInput { get; init; } = true;
    public int LevelSteps { get; init; }

    public override void Validate(string path)
    {
        Require(Octaves is >= 1 and <= 24, path, "octaves", "must be between 1 and 24", Octaves);
        Require(LevelSteps >= 0, path, "level_steps", "must be 0 (every level from the start) or positive", LevelSteps);
        Require(Levels >= 1 && Levels <= Octaves, path, "levels", $"must be between 1 and octaves ({Octaves})", Levels);
        Require(Width is >= 1 and <= 16384, path, "width", "must be between 1 and 16384", Width);
        Require(LayersPerLevel is >= 1 and <= 16, path, "layers_per_level", "must be between 1 and 16", LayersPerLevel);
        Activation.Validate(path + ".activation");
    }

    /// <summary>How many octaves each level adds, lowest band first.</summary>
    public int[] OctavesPerLevel() =>
        Enumerable.Range(0, Levels).Select(l => Octaves / Levels + (l < Octaves % Levels ? 1 : 0)).ToArray();

    public override IEnumerable<ComponentConfig> Children() => [Activation];

    /// <summary>
    /// The levels' layers in order (a level's first layer takes the carried state and its band), each level's
    /// head, then the frequencies [1, octaves, 1] and the count of steps taken [1].
    /// </summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputs, int outputs)
    {
        var octaves = OctavesPerLevel();
        var tensors = new List<TensorSpec>();
        for (int level = 0, layer = 0; level < Levels; level++)
        {
            int carried = level == 0 ? (IncludeInput ? inputs : 0) : Width;
            for (int i = 0; i < LayersPerLevel; i++, layer++)
                tensors.AddRange(LinearLayer.Tensors($"layers.{layer}", i == 0 ? carried + 2 * octaves[level] * inputs : Width, Width));
        }
        for (int level = 0; level < Levels; level++)
            tensors.AddRange(LinearLayer.Tensors($"heads.{level}", Width, outputs));
        tensors.Add(new("frequencies", [1, Octaves, 1], TensorRole.Constant));
        tensors.Add(new("steps", [1], TensorRole.Counter));
        return tensors;
    }
}

/// <summary>
/// Poly-INR (Singh et al. 2023) for one signal: no encoding, h_0 = σ(W_0 A_0 x̃) and
/// h_i = σ(W_i (h_{i−1} ⊙ A_i x̃)) for i = 1..<see cref="Levels"/>, with x̃ = [x, 1], a learnable affine map
/// A_i per level (free parameters here, not the GAN's style outputs), σ = LeakyReLU(<see cref="NegativeSlope"/>),
/// then a linear output. Every level raises the polynomial degree in x by one.
/// </summary>
public sealed record PolyConfig : NetworkConfig
{
    public required int Levels { get; init; }
    public required int Width { get; init; }
    public double NegativeSlope { get; init; } = 0.2;

    public override void Validate(string path)
    {
        Require(Levels is >= 0 and <= 64, path, "levels", "must be between 0 and 64", Levels);
        Require(Width is >= 1 and <= 16384, path, "width", "must be between 1 and 16384", Width);
        Require(NegativeSlope is >= 0 and < 1 && double.IsFinite(NegativeSlope), path, "negative_slope", "must be in [0, 1)", NegativeSlope);
    }

    /// <summary>Per level i = 0..levels the affine map A_i (inputs → width) and W_i (width → width), then the output layer.</summary>
    public override IReadOnlyList<TensorSpec> Tensors(int inputs, int outputs) =>
    [
        .. Enumerable.Range(0, Levels + 1).SelectMany(i => LinearLayer.Tensors($"affine.{i}", inputs, Width)),
        .. Enumerable.Range(0, Levels + 1).SelectMany(i => LinearLayer.Tensors($"weights.{i}", Width, Width)),
        .. LinearLayer.Tensors("output", Width, outputs),
    ];
}
