using NeuralFields.Core.Layers;
using NeuralFields.Schema.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Networks;

/// <summary>
/// PINs-style progressive network (see <see cref="ProgressiveConfig"/>): level k band-encodes its input
/// with its own octaves (NeRF layout: sin for every dim, then cos, per octave), concatenates the previous
/// level's hidden state (or the input itself at level 1), runs its layers and adds its linear head's
/// output to the coarser levels' sum.
/// </summary>
[Computes(typeof(ProgressiveConfig))]
public sealed class ProgressiveNetwork : nn.Module<Tensor, Tensor>, ILevelledNetwork
{
    private readonly ProgressiveConfig _config;
    private readonly ModuleList<Linear> layers = new();
    private readonly ModuleList<Activation> activations = new();
    private readonly ModuleList<Linear> heads = new();
    private readonly Tensor frequencies;                 // [1, all octaves, 1]: registered once, sliced per level
    private readonly Tensor steps;                       // [1]: training steps taken, for the coarse-to-fine schedule
    private readonly int[] _firstOctave;
    private readonly int[] _octaves;

    public ProgressiveNetwork(ProgressiveConfig config, int inputs, int outputs)
        : base("progressive")
    {
        _config = config;
        Inputs = inputs;
        Outputs = outputs;
        _octaves = config.OctavesPerLevel();
        _firstOctave = new int[_octaves.Length];
        for (int l = 1; l < _octaves.Length; l++) _firstOctave[l] = _firstOctave[l - 1] + _octaves[l - 1];
        double scale = config.MultiplyByPi ? Math.PI : 1.0;
        frequencies = tensor(Enumerable.Range(0, config.Octaves).Select(k => (float)(Math.Pow(2, k) * scale)).ToArray())
            .reshape(1, config.Octaves, 1);
        steps = zeros(1);

        int layer = 0;
        for (int level = 0; level < config.Levels; level++)
        {
            int bandWidth = 2 * _octaves[level] * inputs;
            int carried = level == 0 ? (config.IncludeInput ? inputs : 0) : config.Width;
            for (int i = 0; i < config.LayersPerLevel; i++, layer++)
            {
                var linear = nn.Linear(i == 0 ? carried + bandWidth : config.Width, config.Width);
                var activation = Models.ComponentBuilders.BuildActivation(config.Activation, layer);
                activation.InitializeIncoming(linear.weight!, linear.bias!, isFirstLayer: layer == 0);
                layers.Add(linear);
                activations.Add(activation);
            }
            var head = nn.Linear(config.Width, outputs);
            activations[^1].InitializeOutput(head.weight!, head.bias!);
            if (level > 0 && config.LevelSteps > 0)
                using (no_grad())
                {
                    // A level that joins mid-run starts from a zero head, so the output does not jump.
                    head.weight!.zero_();
                    head.bias!.zero_();
                }
            heads.Add(head);
        }
        RegisterComponents();
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public int Levels => _config.Levels;

    /// <summary>
    /// The finest level. A training step (a forward in training mode with gradients on) with a coarse-to-fine
    /// schedule counts itself and runs only the levels that have joined so far.
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        if (_config.LevelSteps == 0 || !training || !is_grad_enabled())
            return ForwardLevel(input, Levels);
        long taken = (long)steps.item<float>();
        using (no_grad())
            steps.add_(1);
        return ForwardLevel(input, ActiveLevels(taken));
    }

    /// <summary>Levels that take part in training step <paramref name="step"/> (0-based).</summary>
    public int ActiveLevels(long step) =>
        _config.LevelSteps == 0 ? Levels : (int)Math.Min(Levels, 1 + step / _config.LevelSteps);

    /// <summary>Training steps this network has taken (counted only with a coarse-to-fine schedule; saved in checkpoints).</summary>
    public long StepsTaken => (long)steps.item<float>();

    public Tensor ForwardLevel(Tensor input, int level)
    {
        if (level < 1 || level > Levels)
            throw new ArgumentOutOfRangeException(nameof(level), $"level must be between 1 and {Levels}, got {level}");
        using var scope = NewDisposeScope();
        long n = input.shape[0];
        Tensor? hidden = null, sum = null;
        int layer = 0;
        for (int l = 0; l < level; l++)
        {
            var phase = input.unsqueeze(1) * frequencies.narrow(1, _firstOctave[l], _octaves[l]);   // [N, o, D]
            var band = stack([phase.sin(), phase.cos()], dim: 2).reshape(n, -1);
            var x = l == 0 ? (_config.IncludeInput ? cat([input, band], dim: 1) : band) : cat([hidden!, band], dim: 1);
            for (int i = 0; i < _config.LayersPerLevel; i++, layer++)
                x = activations[layer].forward(layers[layer].forward(x));
            hidden = x;
            var output = heads[l].forward(hidden);
            sum = sum is null ? output : sum + output;
        }
        return sum!.MoveToOuterDisposeScope();
    }
}
