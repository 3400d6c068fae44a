using NeuralFields.Core.Layers;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Networks;
using NeuralFields.Schema;
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
        config.Tensors(inputDims);                                   // refuses unsized grids and more than 3 axes
        _config = config;
        for (int l = 0; l < config.Levels; l++)
            latents.Add(new Parameter(zeros(config.LevelShape(l).Select(d => (long)d).ToArray())));
        var entropy = config.Arm;
        arm = new Mlp(entropy.Context, ArmConfig.Outputs, entropy.HiddenLayers, entropy.Width, layer => new Relu(new ReluActivationConfig(), layer));
        RegisterComponents();
    }

    public override int OutputDims => _config.Levels;

    /// <summary>The grids' axes: 1 (audio), 2 (images) or 3 (volumes).</summary>
    private int Axes => _config.Resolution.Length;

    public override EncodingConfig Config => _config;

    public LatentGridConfig GridConfig => _config;

    public override double? LearningRate => _config.LearningRate;

    public LatentRounding Rounding { get; set; } = LatentRounding.Noise;

    /// <summary>The synthesis MLP runs fused (<see cref="Training.Steps.FusedSynthesisStep"/>): on TorchSharp it was about half of a 768x512 step.</summary>
    public override bool FeedsFusedNetwork => true;

    /// <summary>
    /// In the noise phase, soft rounding's sharpness α (as in C3): training sees s(s(v) + u), u uniform noise, with
    /// s(v) = ⌊v⌋ + ½ + tanh(α·r) / (2·tanh(α/2)), r = v − ⌊v⌋ − ½, so the values drift toward the integers they
    /// will be rounded to as α grows; null adds plain noise.
    /// </summary>
    public double? Sharpness { get; set; }

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

    private List<Tensor>? _heldGrids;
    private Tensor? _heldFlat;
    private int _holds;

    /// <summary>Until disposed, predictions use one rounding of the grids (and one concatenation) for every block, not one per block of 4,096 queries.</summary>
    public override IDisposable? HoldForPrediction()
    {
        if (_holds++ == 0)
        {
            using var _ = no_grad();                                  // Quantize then rounds, as every prediction does
            using var scope = NewDisposeScope();                      // the scaled copies go; the held values stay
            _heldGrids = latents.Select(p => Quantize(p * _config.Gain).DetachFromDisposeScope()).ToList();
            _heldFlat = Concatenated(_heldGrids).DetachFromDisposeScope();
        }
        return new Held(this);
    }

    private sealed class Held(LatentGridEncoding encoding) : IDisposable
    {
        private bool _released;

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            if (--encoding._holds > 0) return;
            foreach (var g in encoding._heldGrids!) g.Dispose();
            encoding._heldFlat!.Dispose();
            (encoding._heldGrids, encoding._heldFlat) = (null, null);
        }
    }

    /// <summary>The level values the model computes with now: noisy or straight-through rounded in training, rounded otherwise.</summary>
    public IReadOnlyList<Tensor> Grids()
    {
        if (_heldGrids is not null && !is_grad_enabled()) return _heldGrids;
        if (_stepGrids is not null) return _stepGrids;
        var grids = latents.Select(p => Quantize(p * _config.Gain)).ToList();
        if (_inStep && training && is_grad_enabled()) _stepGrids = grids;
        return grids;
    }

    private Tensor Quantize(Tensor values)
    {
        if (!training || !is_grad_enabled()) return values.round();   // evaluation and Predict (no gradients) see the file's integers
        if (Rounding == LatentRounding.Noise)
            return Sharpness is double alpha
                ? SoftRound(values, alpha)
                : values + rand_like(values) - 0.5;
        return values + (values.round() - values).detach();
    }

    /// <summary>
    /// <see cref="SoftRounding"/>'s values with its slope as the gradient: rounded + (v·slope − (v·slope) detached), whose
    /// value is the rounded one exactly and whose derivative in v is the slope.
    /// </summary>
    private static Tensor SoftRound(Tensor values, double alpha)
    {
        var plain = values.detach().contiguous();
        var noise = rand_like(plain);
        var rounded = empty_like(plain);
        var slope = empty_like(plain);
        unsafe
        {
            SoftRounding.Apply(TensorPointer.Float(plain), TensorPointer.Float(noise), TensorPointer.Float(rounded), TensorPointer.Float(slope), plain.numel(), alpha);
        }
        var linear = values * slope;
        return rounded + (linear - linear.detach());
    }

    protected override Tensor Encode(Tensor coordinates)
    {
        var grids = Grids();                                         // outside this scope: a step's rate term uses them after
        using var scope = NewDisposeScope();
        if (IsSampleGrid(coordinates))
        {
            // The whole sample grid in order: torch's linear, bilinear or trilinear upsampling (align_corners false)
            // computes the same interpolation (source position (i + ½)·n/N − ½, clamped) with fused kernels, forward and backward.
            var size = _config.Resolution.Reverse().Select(d => (long)d).ToArray();
            var mode = Axes switch { 1 => InterpolationMode.Linear, 2 => InterpolationMode.Bilinear, _ => InterpolationMode.Trilinear };
            var levels = grids.Select(g => nn.functional.interpolate(g.unsqueeze(0).unsqueeze(0), size, mode: mode, align_corners: false).reshape(-1)).ToList();
            return stack(levels, 1).MoveToOuterDisposeScope();
        }
        var (indices, weights) = Plan(coordinates);
        // Every level's 2^axes corners in one gather: [levels, corners, N] values, weighted and summed over the corners.
        var flat = ReferenceEquals(grids, _heldGrids) ? _heldFlat! : Concatenated(grids);
        var corners = flat.index_select(0, indices).reshape(weights.shape);
        return (corners * weights).sum(1).t().contiguous().MoveToOuterDisposeScope();
    }

    private LatentUpsampling[]? _upsampling;

    /// <summary>
    /// An image's whole sample grid (full-batch training) reads the levels in C# (<see cref="LatentUpsampling"/>), forward
    /// and transposed, instead of TorchSharp's upsampling and its autograd: the surrogate is Σ over levels of
    /// grid · (the transpose of the features' gradients), whose backward goes on through the rounding into the latents.
    /// Other queries, and 1-D and 3-D grids, take TorchSharp's graph.
    /// </summary>
    public override (Tensor Values, Func<Tensor, Tensor> Surrogate) EncodeForFusedStep(Tensor coordinates)
    {
        if (Axes != 2 || !IsSampleGrid(coordinates)) return base.EncodeForFusedStep(coordinates);
        var grids = Grids();
        int levels = _config.Levels, height = _config.Resolution[1], width = _config.Resolution[0];
        _upsampling ??= [.. Enumerable.Range(0, levels).Select(l => new LatentUpsampling(_config.LevelShape(l)[0], _config.LevelShape(l)[1], height, width))];
        var plain = grids.Select(g => g.detach().contiguous()).ToList();
        var values = empty((long)height * width, levels);
        unsafe
        {
            var pointers = new float*[levels];
            for (int l = 0; l < levels; l++) pointers[l] = TensorPointer.Float(plain[l]);
            LatentUpsampling.Forward(_upsampling, pointers, TensorPointer.Float(values));
        }
        return (values, gradients =>
        {
            var g = gradients.contiguous();
            Tensor? total = null;
            for (int l = 0; l < levels; l++)
            {
                var levelGradient = empty_like(plain[l]);
                unsafe
                {
                    _upsampling[l].Transpose(TensorPointer.Float(g), l, levels, TensorPointer.Float(levelGradient));
                }
                var term = (grids[l] * levelGradient).sum();
                total = total is null ? term : total + term;
            }
            return total!;
        });
    }

    /// <summary>Every level's values in one vector, in level order: what <see cref="Plan"/>'s indices point into.</summary>
    private static Tensor Concatenated(IReadOnlyList<Tensor> grids) => cat(grids.Select(g => g.reshape(-1)).ToList(), 0);

    private (Tensor Coordinates, Tensor Indices, Tensor Weights)? _plan;
    private Tensor? _sampleGrid;

    /// <summary>True when the queries are the resolution's whole sample grid in order (full-batch training).</summary>
    private bool IsSampleGrid(Tensor coordinates)
    {
        long points = _config.Resolution.Aggregate(1L, (a, d) => a * d);
        if (coordinates.shape[0] != points) return false;
        _sampleGrid ??= tensor(SampleGrid.Coordinates(_config.Resolution.Reverse().ToArray())).reshape(-1, Axes).DetachFromDisposeScope();
        return _sampleGrid.allclose(coordinates, 0, 0);
    }

    /// <summary>
    /// Corner indices into the concatenated grids and their weights, [levels, 2^axes, N], for these coordinates (corner c
    /// takes the upper cell along coordinate axis a where bit a of c is set, x first; its weight is the product of the
    /// axes' weights in that order). They
    /// depend on the coordinates alone, so a full-batch run computes them once: the plan keeps a copy of its
    /// coordinates and is reused only for equal ones (one comparison per step).
    /// </summary>
    private (Tensor Indices, Tensor Weights) Plan(Tensor coordinates)
    {
        if (_plan is { } p && p.Coordinates.shape[0] == coordinates.shape[0] && p.Coordinates.allclose(coordinates, 0, 0))
            return (p.Indices, p.Weights);
        if (_plan is { } old)
        {
            old.Coordinates.Dispose();
            old.Indices.Dispose();
            old.Weights.Dispose();
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int axes = Axes;
        var indexParts = new List<Tensor>();
        var weightParts = new List<Tensor>();
        long offset = 0;
        for (int l = 0; l < _config.Levels; l++)
        {
            var shape = _config.LevelShape(l);                       // slowest axis first; coordinate axis a is shape[axes − 1 − a]
            var axis = new (Tensor Lower, Tensor Upper, Tensor Fraction)[axes];
            var stride = new long[axes];
            for (int a = 0; a < axes; a++)
            {
                axis[a] = Corners(coordinates.select(1, a), shape[axes - 1 - a]);
                stride[a] = a == 0 ? 1 : stride[a - 1] * shape[axes - a];
            }
            var cornerIndices = new List<Tensor>();
            var cornerWeights = new List<Tensor>();
            for (int c = 0; c < 1 << axes; c++)
            {
                Tensor? index = null, weight = null;
                for (int a = 0; a < axes; a++)
                {
                    bool upper = ((c >> a) & 1) == 1;
                    var cell = (upper ? axis[a].Upper : axis[a].Lower) * stride[a];
                    var share = upper ? axis[a].Fraction : 1 - axis[a].Fraction;
                    index = index is null ? cell : index + cell;
                    weight = weight is null ? share : weight * share;
                }
                cornerIndices.Add(index!);
                cornerWeights.Add(weight!);
            }
            indexParts.Add(stack(cornerIndices) + offset);
            weightParts.Add(stack(cornerWeights));
            offset += shape.Aggregate(1L, (n, d) => n * d);
        }
        var indices = stack(indexParts).reshape(-1).DetachFromDisposeScope();
        var weights = stack(weightParts).DetachFromDisposeScope();
        _plan = (coordinates.clone().DetachFromDisposeScope(), indices, weights);
        return (indices, weights);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sampleGrid?.Dispose();
            _placement?.Dispose();
        }
        if (disposing && _plan is { } p)
        {
            p.Coordinates.Dispose();
            p.Indices.Dispose();
            p.Weights.Dispose();
            _plan = null;
        }
        base.Dispose(disposing);
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

    /// <summary>
    /// Bits the entropy model gives <paramref name="grids"/>: Σ −log2(F(v + ½) − F(v − ½)) over every latent of every
    /// level, in one C# pass (<see cref="ArmRate"/>); <see cref="Predict"/> is the TorchSharp reference it is tested against.
    /// </summary>
    public Tensor Bits(IReadOnlyList<Tensor> grids)
    {
        using var scope = NewDisposeScope();
        var layers = ArmLayers();
        Tensor total = zeros(1);
        foreach (var grid in grids)
            total = total + Axes switch
            {
                1 => ArmRate.RowBits(grid, _config.Arm, layers, 0, (int)grid.shape[0]),
                2 => ArmRate.Bits(grid, _config.Arm, layers, 0, 0, (int)grid.shape[0], (int)grid.shape[1]),
                _ => ArmRate.VolumeBits(grid, _config.Arm, layers, 0, (int)grid.shape[0]),
            };
        return total.squeeze().MoveToOuterDisposeScope();
    }


    /// <summary>The entropy model's (weight, bias) parameters, layer by layer.</summary>
    private List<(Tensor Weight, Tensor Bias)> ArmLayers()
    {
        var parameters = arm.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return Enumerable.Range(0, _config.Arm.HiddenLayers + 1)
            .Select(l => (parameters[LinearLayer.Weight(MlpConfig.Layer(l))], parameters[LinearLayer.Bias(MlpConfig.Layer(l))])).ToList();
    }

    /// <summary>
    /// An unbiased estimate of <see cref="Bits"/> from one band of rows per level: <paramref name="fraction"/> of the
    /// level's rows (at least one; slices of a volume, samples of a 1-D grid) starting at a row <paramref name="random"/>
    /// draws, their bits computed from their real causal context above the band, times rows / band rows. A large
    /// image's training then holds one band's entropy-model activations instead of every latent's.
    /// </summary>
    public Tensor BandBits(IReadOnlyList<Tensor> grids, double fraction, Random random)
    {
        using var scope = NewDisposeScope();
        var layers = ArmLayers();
        Tensor total = zeros(1);
        foreach (var grid in grids)
        {
            int h = (int)grid.shape[0], w = Axes == 2 ? (int)grid.shape[1] : 0;
            int rows = Math.Clamp((int)Math.Ceiling(h * fraction), 1, h);
            int first = random.Next(h - rows + 1);
            // The rows above the band are the context of its first rows; the zero padding above them is never read.
            int reach = -ArmConfig.OffsetsFor(Axes).Take(_config.Arm.Context).Min(o => o[0]);
            int start = Math.Max(0, first - reach);
            var part = grid.narrow(0, start, first + rows - start);
            var bits = Axes switch
            {
                1 => ArmRate.RowBits(part, _config.Arm, layers, first - start, rows),
                2 => ArmRate.Bits(part, _config.Arm, layers, first - start, 0, rows, w),
                _ => ArmRate.VolumeBits(part, _config.Arm, layers, first - start, rows),
            };
            total = total + bits * ((double)h / rows);
        }
        return total.squeeze().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The ARM's μ and clamped log-scale for every latent of a grid, in raster order, from its causal neighbours. For
    /// a grid [h, w] the first layer is a masked 3x5 convolution over the zero-padded grid (its kernel holds the layer's
    /// weights at the context offsets, zero elsewhere), the later layers 1x1 convolutions, so the whole grid runs in a
    /// few fused ops; 1-D and 3-D grids gather their contexts (<see cref="Context"/>) and run the MLP on them.
    /// </summary>
    public (Tensor Mu, Tensor LogScale) Predict(Tensor grid)
    {
        using var scope = NewDisposeScope();
        if (grid.dim() != 2)
        {
            var output = arm.forward(Context(grid, _config.Arm.Context));
            var m = output.select(1, 0).contiguous();
            var s = output.select(1, 1).clamp(ArmConfig.LogScaleMin, ArmConfig.LogScaleMax);
            return (m.MoveToOuterDisposeScope(), s.MoveToOuterDisposeScope());
        }
        int r = ArmConfig.Reach, count = _config.Arm.Context;
        var x = nn.functional.pad(grid.unsqueeze(0).unsqueeze(0), [r, r, r, 0]);
        _placement ??= Placement(count).DetachFromDisposeScope();
        var layers = ArmLayers();
        for (int l = 0; l < layers.Count; l++)
        {
            var (weight, bias) = layers[l];
            var kernel = l == 0
                ? weight.mm(_placement).reshape(weight.shape[0], 1, r + 1, 2 * r + 1)
                : weight.reshape(weight.shape[0], weight.shape[1], 1, 1);
            x = nn.functional.conv2d(x, kernel, bias);
            if (l < _config.Arm.HiddenLayers) x = nn.functional.relu(x);
        }
        var mu = x[0, 0].reshape(-1);
        var logScale = x[0, 1].reshape(-1).clamp(ArmConfig.LogScaleMin, ArmConfig.LogScaleMax);
        return (mu.MoveToOuterDisposeScope(), logScale.MoveToOuterDisposeScope());
    }

    private Tensor? _placement;

    /// <summary>[count, (reach + 1)·(2·reach + 1)]: row k is one at context offset k's place in the causal kernel.</summary>
    private static Tensor Placement(int count)
    {
        int r = ArmConfig.Reach, width = 2 * r + 1;
        var placement = new float[count * (r + 1) * width];
        for (int k = 0; k < count; k++)
        {
            var (dy, dx) = ArmConfig.Offsets[k];
            placement[k * (r + 1) * width + (r + dy) * width + (r + dx)] = 1;
        }
        return tensor(placement).reshape(count, (r + 1) * width);
    }

    /// <summary>[latents, count] neighbours of every latent of a 1-, 2- or 3-D grid in <see cref="ArmConfig.OffsetsFor"/> order, zero outside the grid.</summary>
    public static Tensor Context(Tensor grid, int count)
    {
        using var scope = NewDisposeScope();
        int axes = (int)grid.dim();
        var offsets = ArmConfig.OffsetsFor(axes).Take(count).ToList();
        var before = Enumerable.Range(0, axes).Select(a => Math.Max(0, -offsets.Min(o => o[a]))).ToArray();
        var after = Enumerable.Range(0, axes).Select(a => Math.Max(0, offsets.Max(o => o[a]))).ToArray();
        // pad takes (before, after) pairs from the last axis back
        var pads = Enumerable.Range(0, axes).Reverse().SelectMany(a => new long[] { before[a], after[a] }).ToArray();
        var padded = nn.functional.pad(grid.unsqueeze(0), pads).squeeze(0);
        var columns = offsets.Select(o =>
        {
            var window = padded;
            for (int a = 0; a < axes; a++) window = window.narrow(a, before[a] + o[a], grid.shape[a]);
            return window.reshape(-1);
        }).ToArray();
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
