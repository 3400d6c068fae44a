using NeuralFields.Core.Layers;
using NeuralFields.Core.Networks;
using NeuralFields.Schema.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>How training sees the latents: with additive uniform noise (a differentiable proxy of rounding), or rounded with a straight-through gradient.</summary>
public enum LatentRounding
{
    Noise,
    StraightThrough,
}

/// <summary>
/// Latent grids (<see cref="LatentGridConfig"/>) with their auto-regressive entropy model. Level values are
/// gain · parameter; training adds noise or rounds them (<see cref="Rounding"/>), evaluation always rounds,
/// which is what a neural file decodes to. Within one training step the forward pass and the rate see the
/// same noisy grids (<see cref="BeginStep"/> … <see cref="EndStep"/>).
/// </summary>
[Computes(typeof(LatentGridConfig))]
public sealed class LatentGridEncoding : Encoding
{
    private readonly LatentGridConfig _config;
    private readonly ParameterList latents = new();
    private readonly Mlp arm;
    private List<Tensor>? _stepGrids;
    private bool _inStep;

    public LatentGridEncoding(LatentGridConfig config, int inputDims) : base("latent_grid", inputDims)
    {
        config.Tensors(inputDims);                                   // refuses unsized or non-2-D grids
        _config = config;
        for (int l = 0; l < config.Levels; l++)
            latents.Add(new Parameter(zeros(config.LevelShape(l).Select(d => (long)d).ToArray())));
        var entropy = config.Arm;
        arm = new Mlp(entropy.Context, ArmConfig.Outputs, entropy.HiddenLayers, entropy.Width, layer => new Relu(new ReluActivationConfig(), layer));
        RegisterComponents();
    }

    public override int OutputDims => _config.Levels;

    public override EncodingConfig Config => _config;

    public LatentGridConfig GridConfig => _config;

    public override double? LearningRate => _config.LearningRate;

    public LatentRounding Rounding { get; set; } = LatentRounding.Noise;

    /// <summary>Latents per level, the count the rate is divided by to give bits per latent.</summary>
    public long LatentCount => latents.Sum(p => p.numel());

    /// <summary>From here to <see cref="EndStep"/> every use of the grids sees the same noise draw.</summary>
    public void BeginStep()
    {
        _inStep = true;
        _stepGrids = null;
    }

    /// <summary>The step's grids were disposed with its scope: forget them.</summary>
    public void EndStep()
    {
        _inStep = false;
        _stepGrids = null;
    }

    /// <summary>The level values the model computes with now: noisy or straight-through rounded in training, rounded otherwise.</summary>
    public IReadOnlyList<Tensor> Grids()
    {
        if (_stepGrids is not null) return _stepGrids;
        var grids = latents.Select(p => Quantize(p * _config.Gain)).ToList();
        if (_inStep && training && is_grad_enabled()) _stepGrids = grids;
        return grids;
    }

    private Tensor Quantize(Tensor values)
    {
        if (!training || !is_grad_enabled()) return values.round();   // evaluation and Predict (no gradients) see the file's integers
        if (Rounding == LatentRounding.Noise) return values + rand_like(values) - 0.5;
        return values + (values.round() - values).detach();
    }

    protected override Tensor Encode(Tensor coordinates)
    {
        var grids = Grids();                                         // outside this scope: a step's rate term uses them after
        using var scope = NewDisposeScope();
        var x = coordinates.select(1, 0);
        var y = coordinates.select(1, 1);
        var features = new Tensor[grids.Count];
        for (int l = 0; l < grids.Count; l++)
        {
            var shape = _config.LevelShape(l);
            int h = shape[0], w = shape[1];
            var (x0, x1, fx) = Corners(x, w);
            var (y0, y1, fy) = Corners(y, h);
            var flat = grids[l].reshape(-1);
            Tensor At(Tensor iy, Tensor ix) => flat.index_select(0, iy * w + ix);
            var top = At(y0, x0) * (1 - fx) + At(y0, x1) * fx;
            var bottom = At(y1, x0) * (1 - fx) + At(y1, x1) * fx;
            features[l] = top * (1 - fy) + bottom * fy;
        }
        return stack(features, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Cells either side of each coordinate on an axis of <paramref name="n"/> cells, and the weight of the upper one (docs/format.md §9.1).</summary>
    private static (Tensor Lower, Tensor Upper, Tensor Fraction) Corners(Tensor coordinate, int n)
    {
        var position = ((coordinate + 1) * 0.5f * n - 0.5f).clamp(0, n - 1);
        var lower = position.floor().clamp(0, Math.Max(0, n - 2));
        var fraction = position - lower;
        var lowerIndex = lower.to_type(ScalarType.Int64);
        var upperIndex = (lowerIndex + 1).clamp_max(n - 1);
        return (lowerIndex, upperIndex, fraction);
    }

    /// <summary>Bits the entropy model gives <paramref name="grids"/>: Σ −log2(F(v + ½) − F(v − ½)) over every latent of every level.</summary>
    public Tensor Bits(IReadOnlyList<Tensor> grids)
    {
        using var scope = NewDisposeScope();
        Tensor total = zeros(1);
        foreach (var grid in grids)
        {
            var (mu, logScale) = Predict(grid);
            total = total + LaplaceBits(grid.reshape(-1), mu, logScale).sum();
        }
        return total.squeeze().MoveToOuterDisposeScope();
    }

    /// <summary>The ARM's μ and clamped log-scale for every latent of a grid [h, w], from its causal neighbours.</summary>
    public (Tensor Mu, Tensor LogScale) Predict(Tensor grid)
    {
        using var scope = NewDisposeScope();
        var context = Context(grid, _config.Arm.Context);
        var output = arm.forward(context);
        var mu = output.select(1, 0);
        var logScale = output.select(1, 1).clamp(ArmConfig.LogScaleMin, ArmConfig.LogScaleMax);
        return (mu.MoveToOuterDisposeScope(), logScale.MoveToOuterDisposeScope());
    }

    /// <summary>[h·w, count] neighbours of every latent in <see cref="ArmConfig.Offsets"/> order, zero outside the grid.</summary>
    public static Tensor Context(Tensor grid, int count)
    {
        using var scope = NewDisposeScope();
        long h = grid.shape[0], w = grid.shape[1];
        int r = ArmConfig.Reach;
        var padded = nn.functional.pad(grid.unsqueeze(0), [r, r, r, 0]).squeeze(0);     // left, right, top, bottom
        var columns = ArmConfig.Offsets.Take(count).Select(o => padded.narrow(0, r + o.Dy, h).narrow(1, r + o.Dx, w).reshape(-1)).ToArray();
        return stack(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>−log2 of the probability of the (integer or noisy) value under a Laplace(μ, e^s) discretised to unit bins.</summary>
    public static Tensor LaplaceBits(Tensor value, Tensor mu, Tensor logScale)
    {
        using var scope = NewDisposeScope();
        var scale = logScale.exp();
        Tensor Cdf(Tensor t) => 0.5 - 0.5 * t.sign() * (-t.abs() / scale).expm1();
        var probability = (Cdf(value - mu + 0.5) - Cdf(value - mu - 0.5)).clamp_min(1e-9);
        return (-probability.log2()).MoveToOuterDisposeScope();
    }
}
