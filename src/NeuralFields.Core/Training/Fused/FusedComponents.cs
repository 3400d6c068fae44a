using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralFields.Core.Encodings;
using NeuralFields.Core.Encodings.HashGrid;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema.Components;
using TorchSharp.Modules;
using NativeMemory = System.Runtime.InteropServices.NativeMemory;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Fused;

/// <summary>
/// The fused step's encoding of one config type (marked [<see cref="ComputesAttribute"/>] for
/// <see cref="Backend.FusedStep"/>): fills a tile's feature rows and scatters their gradients into its trained tensor.
/// </summary>
internal abstract unsafe class FusedEncoding
{
    private static readonly ImplementationCatalog<FusedEncoding> Catalog = new(typeof(FusedEncoding).Assembly, Backend.FusedStep, typeof(EncodingConfig));

    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public static FusedEncoding For(EncodingConfig config, Encoding module) => Catalog.Create(config, module);

    /// <summary>Features per sample.</summary>
    public abstract int Width { get; }

    /// <summary>The trained tensor whose gradient <see cref="Backward"/> computes; null when the encoding trains nothing.</summary>
    public virtual Parameter? Trained => null;

    /// <summary>True when the step must give the features their gradients (<see cref="KeepGradients"/>).</summary>
    public virtual bool NeedsGradients => Trained is not null;

    /// <summary>Features of samples [start, start + rows) into rows of <paramref name="tile"/> (stride <paramref name="stride"/>); other columns are left alone.</summary>
    public abstract void Encode(float* coordinates, long start, int rows, float* tile, int stride);

    /// <summary>
    /// Keeps the feature gradients of samples [start, start + rows) (rows of <paramref name="tile"/>) in
    /// <paramref name="store"/> (n x <see cref="Width"/> floats), laid out as <see cref="Backward"/> reads them.
    /// Only encodings with a <see cref="Trained"/> tensor are asked.
    /// </summary>
    public virtual void KeepGradients(float* tile, int stride, long start, int rows, long n, float* store) { }

    /// <summary>The trained tensor's whole gradient from the features' gradients kept by <see cref="KeepGradients"/> (overwrites <paramref name="gradient"/>).</summary>
    public virtual void Backward(float* coordinates, long n, float* featureGradients, float* gradient) { }
}

/// <summary>
/// Features computed outside the fused step (an encoding on TorchSharp, with its own autograd): each tile copies its
/// rows in, and their gradients out for TorchSharp's backward (<see cref="Steps.FusedSynthesisStep"/>).
/// </summary>
internal sealed unsafe class FusedFeatures(int width) : FusedEncoding
{
    private float* _features, _gradients;

    public override int Width => width;

    public override bool NeedsGradients => true;

    /// <summary>The features [n, width] of the next pass, and where their gradients go (null: none wanted).</summary>
    public void Use(float* features, float* gradients)
    {
        _features = features;
        _gradients = gradients;
    }

    public override void Encode(float* coordinates, long start, int rows, float* tile, int stride)
    {
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(_features + (start + r) * width, width).CopyTo(new Span<float>(tile + (long)r * stride, width));
    }

    public override void KeepGradients(float* tile, int stride, long start, int rows, long n, float* store)
    {
        if (_gradients is null) return;
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(tile + (long)r * stride, width).CopyTo(new Span<float>(_gradients + (start + r) * width, width));
    }
}

/// <summary>Raw coordinates (SIREN's input).</summary>
[Computes(typeof(IdentityEncodingConfig))]
internal sealed unsafe class FusedCoordinates : FusedEncoding
{
    private readonly Encoding module;

    public FusedCoordinates(IdentityEncodingConfig config, Encoding module)
    {
        this.module = module;
    }

    public override int Width => module.InputDims;

    public override void Encode(float* coordinates, long start, int rows, float* tile, int stride)
    {
        int d = module.InputDims;
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < d; i++)
                tile[(long)r * stride + i] = coordinates[(start + r) * d + i];
    }
}

/// <summary>
/// The hash grid: the gather a tile at a time (sample-major, so each row is the sample's features), and a
/// level-parallel scatter for the table's gradient (no two threads write one entry, samples in order:
/// deterministic). In 2D the cells, corner indices and weights of eight samples at a time come from
/// <see cref="Corners8"/> in vector registers, and the scatter reads its gradients level-major (a level's are
/// contiguous, where sample-major rows made every sample of every level touch its own cache line). 3D uses the
/// grid's scalar corner code.
/// </summary>
[Computes(typeof(HashGridConfig))]
internal sealed unsafe class FusedHashGrid : FusedEncoding, IDisposable
{
    private readonly HashGridLayout _layout;
    private readonly Parameter _table;
    private float* _positions;
    private long _positionCapacity;

    public FusedHashGrid(HashGridConfig config, Encoding module)
    {
        var grid = (HashGridEncoding)module;
        _layout = grid.Layout;
        _table = grid.parameters().Single();
    }

    public override int Width => _layout.OutputDims;

    public override Parameter Trained => _table;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Encode(float* coordinates, long start, int rows, float* tile, int stride)
    {
        float* table = TensorPointer.Float(_table);
        int f = _layout.Features, d = _layout.Dims;
        if (d == 2)
        {
            int padded = (rows + 7) / 8 * 8;
            float* tx = stackalloc float[padded], ty = stackalloc float[padded];
            UnitPositions(coordinates + start * 2, rows, padded, tx, ty);
            int* index = stackalloc int[32];
            float* weight = stackalloc float[32];
            for (int l = 0; l < _layout.Levels; l++)
            {
                var lv = _layout.LevelConstants[l];
                for (int r0 = 0; r0 < rows; r0 += 8)
                {
                    Corners8(lv, tx + r0, ty + r0, index, weight);
                    int m = Math.Min(8, rows - r0);
                    for (int j = 0; j < m; j++)
                    {
                        float* e00 = table + (long)index[j] * f, e10 = table + (long)index[8 + j] * f;
                        float* e01 = table + (long)index[16 + j] * f, e11 = table + (long)index[24 + j] * f;
                        HashGridKernels.Interpolate4(tile + (long)(r0 + j) * stride + l * f, f, e00, e10, e01, e11, weight[j], weight[8 + j], weight[16 + j], weight[24 + j]);
                    }
                }
            }
            return;
        }
        Span<int> corner = stackalloc int[8];
        Span<float> cornerWeight = stackalloc float[8];
        for (int r = 0; r < rows; r++)
            for (int l = 0; l < _layout.Levels; l++)
            {
                _layout.Corners1(new ReadOnlySpan<float>(coordinates + (start + r) * d, d), l, corner, cornerWeight);
                float* row = tile + (long)r * stride + l * f;
                for (int k = 0; k < f; k++) row[k] = 0f;
                for (int c = 0; c < _layout.Corners; c++)
                {
                    float* entry = table + (long)corner[c] * f;
                    for (int k = 0; k < f; k++) row[k] += cornerWeight[c] * entry[k];
                }
            }
    }

    /// <summary>2D: level-major, store[(l·n + s)·F + k]; 3D: the rows as they are, store[s·Width + j].</summary>
    public override void KeepGradients(float* tile, int stride, long start, int rows, long n, float* store)
    {
        int f = _layout.Features;
        if (_layout.Dims != 2)
        {
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<float>(tile + (long)r * stride, Width).CopyTo(new Span<float>(store + (start + r) * Width, Width));
            return;
        }
        for (int l = 0; l < _layout.Levels; l++)
        {
            float* level = store + ((long)l * n + start) * f;
            for (int r = 0; r < rows; r++)
                for (int k = 0; k < f; k++)
                    level[(long)r * f + k] = tile[(long)r * stride + l * f + k];
        }
    }

    public override void Backward(float* coordinates, long n, float* featureGradients, float* gradient)
    {
        if (_layout.Dims != 2)
        {
            HashGridKernels.Backward(_layout, coordinates, n, featureGradients, gradient);
            return;
        }
        long padded = (n + 7) / 8 * 8;
        if (_positionCapacity < padded)
        {
            NativeMemory.AlignedFree(_positions);
            _positions = (float*)NativeMemory.AlignedAlloc((nuint)(2 * padded * sizeof(float)), 64);
            _positionCapacity = padded;
        }
        float* tx = _positions, ty = _positions + padded;
        UnitPositions(coordinates, n, padded, tx, ty);
        Parallel.For(0, _layout.Levels, l => ScatterLevel(l, tx, ty, n, featureGradients + (long)l * n * _layout.Features, gradient));
    }

    /// <summary>One level's slice of the table gradient, cleared and then summed over samples in order (as HashGridKernels does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScatterLevel(int l, float* tx, float* ty, long n, float* levelGradients, float* gradient)
    {
        int f = _layout.Features;
        var lv = _layout.LevelConstants[l];
        NativeMemory.Clear(gradient + (long)lv.Offset * f, (nuint)((long)lv.Size * f * sizeof(float)));
        int* index = stackalloc int[32];
        float* weight = stackalloc float[32];
        for (long s0 = 0; s0 < n; s0 += 8)
        {
            Corners8(lv, tx + s0, ty + s0, index, weight);
            int m = (int)Math.Min(8, n - s0);
            for (int j = 0; j < m; j++)
            {
                float* g = levelGradients + (s0 + j) * f;
                float* e00 = gradient + (long)index[j] * f, e10 = gradient + (long)index[8 + j] * f;
                float* e01 = gradient + (long)index[16 + j] * f, e11 = gradient + (long)index[24 + j] * f;
                HashGridKernels.Scatter4(g, f, e00, e10, e01, e11, weight[j], weight[8 + j], weight[16 + j], weight[24 + j]);
            }
        }
    }

    /// <summary>
    /// <see cref="HashGridLevel.UnitPosition"/> of x and y of <paramref name="count"/> interleaved coordinates, zeros up
    /// to <paramref name="padded"/>: what every level's position starts from.
    /// </summary>
    private static void UnitPositions(float* coordinates, long count, long padded, float* tx, float* ty)
    {
        for (long s = 0; s < count; s++)
        {
            tx[s] = HashGridLevel.UnitPosition(coordinates[2 * s]);
            ty[s] = HashGridLevel.UnitPosition(coordinates[2 * s + 1]);
        }
        for (long s = count; s < padded; s++) tx[s] = ty[s] = 0f;
    }

    /// <summary>
    /// The four corners of eight samples' cells at one level: entry indices [corner·8 + j] and bilinear weights
    /// (corners 00, 10, 01, 11). The same float operations as <see cref="HashGridLevel.Position"/> and
    /// <see cref="HashGridLevel.Index"/> (no fused multiply-add), so the same cells and weights bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Corners8(in HashGridLevel lv, float* tx, float* ty, int* index, float* weight)
    {
        var scale = Vector256.Create(lv.Scale);
        var half = Vector256.Create(0.5f);
        var px = Vector256.Load(tx) * scale + half;
        var py = Vector256.Load(ty) * scale + half;
        var x0 = Vector256.ConvertToInt32(px);
        var y0 = Vector256.ConvertToInt32(py);
        var fx = px - Vector256.ConvertToSingle(x0);
        var fy = py - Vector256.ConvertToSingle(y0);
        var one = Vector256<float>.One;
        var gx = one - fx;
        var gy = one - fy;
        (gx * gy).Store(weight);
        (fx * gy).Store(weight + 8);
        (gx * fy).Store(weight + 16);
        (fx * fy).Store(weight + 24);
        var offset = Vector256.Create(lv.Offset);
        var x1 = x0 + Vector256<int>.One;
        Vector256<int> i00, i10, i01, i11;
        if (lv.Dense)
        {
            var resolution = Vector256.Create(lv.Resolution);
            i00 = x0 + y0 * resolution + offset;
            i10 = i00 + Vector256<int>.One;
            i01 = i00 + resolution;
            i11 = i01 + Vector256<int>.One;
        }
        else
        {
            var prime = Vector256.Create(unchecked((int)HashGridLevel.Prime1));
            var mask = Vector256.Create(lv.Size - 1);
            var h0 = y0 * prime;
            var h1 = (y0 + Vector256<int>.One) * prime;
            i00 = ((x0 ^ h0) & mask) + offset;
            i10 = ((x1 ^ h0) & mask) + offset;
            i01 = ((x0 ^ h1) & mask) + offset;
            i11 = ((x1 ^ h1) & mask) + offset;
        }
        i00.Store(index);
        i10.Store(index + 8);
        i01.Store(index + 16);
        i11.Store(index + 24);
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_positions);
        _positions = null;
        _positionCapacity = 0;
    }
}

/// <summary>The fused step's hidden-layer nonlinearity for one activation config.</summary>
internal abstract class FusedActivation
{
    private static readonly ImplementationCatalog<FusedActivation> Catalog = new(typeof(FusedActivation).Assembly, Backend.FusedStep, typeof(ActivationConfig));

    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public static FusedActivation For(ActivationConfig config) => Catalog.Create(config);

    public abstract LayerActivation Kind { get; }

    /// <summary>ω of hidden layer <paramref name="layer"/> (sine layers; 1 for the rest).</summary>
    public virtual float Omega(int layer) => 1f;
}

[Computes(typeof(ReluActivationConfig))]
internal sealed class FusedRelu : FusedActivation
{
    public FusedRelu(ReluActivationConfig config)
    {
    }

    public override LayerActivation Kind => LayerActivation.Relu;
}

[Computes(typeof(SineActivationConfig))]
internal sealed class FusedSine(SineActivationConfig config) : FusedActivation
{
    public override LayerActivation Kind => LayerActivation.Sine;

    public override float Omega(int layer) => (float)(layer == 0 ? config.FirstOmega0 : config.Omega0);
}

/// <summary>
/// The fused step's head for one head config: the loss of one sample's raw outputs and its gradient, in the form of
/// the TorchSharp head's loss (a mean over every term, so each term's gradient is scaled by 1/terms).
/// </summary>
internal abstract unsafe class FusedHead(int channels)
{
    private static readonly ImplementationCatalog<FusedHead> Catalog = new(typeof(FusedHead).Assembly, Backend.FusedStep, typeof(HeadConfig));

    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public static FusedHead For(HeadConfig config, int channels, int bitDepth) => Catalog.Create(config, channels, bitDepth);

    protected int Channels => channels;

    /// <summary>Terms the loss averages per sample.</summary>
    public virtual int TermsPerSample => channels;

    /// <summary>
    /// The summed loss terms of one sample (raw outputs, target values in [0,1]) in double, and each raw output's
    /// gradient times <paramref name="scale"/> (1/terms of the batch) into <paramref name="gradient"/>.
    /// </summary>
    public abstract double Loss(float* raw, float* target, float* gradient, float scale);
}

/// <summary>MSE of σ(z).</summary>
[Computes(typeof(SigmoidHeadConfig))]
internal sealed unsafe class FusedSigmoidHead : FusedHead
{
    public FusedSigmoidHead(SigmoidHeadConfig config, int channels, int bitDepth) : base(channels)
    {
    }

    public override double Loss(float* raw, float* target, float* gradient, float scale)
    {
        double sum = 0;
        for (int c = 0; c < Channels; c++)
        {
            float v = 1f / (1f + MathF.Exp(-raw[c])), d = v - target[c];
            sum += (double)d * d;
            gradient[c] = 2f * d * v * (1f - v) * scale;
        }
        return sum;
    }
}

/// <summary>MSE of z (or of (z + 1)/2 when centred).</summary>
[Computes(typeof(LinearHeadConfig))]
internal sealed unsafe class FusedLinearHead : FusedHead
{
    private readonly bool _centered;

    public FusedLinearHead(LinearHeadConfig config, int channels, int bitDepth) : base(channels)
    {
        _centered = config.Centered;
    }

    public override double Loss(float* raw, float* target, float* gradient, float scale)
    {
        double sum = 0;
        for (int c = 0; c < Channels; c++)
        {
            float v = _centered ? (raw[c] + 1f) * 0.5f : raw[c], d = v - target[c];
            sum += (double)d * d;
            gradient[c] = (_centered ? d : 2f * d) * scale;
        }
        return sum;
    }
}

/// <summary>BCE with logits on every bit of the target's n-bit integer; raw outputs [bits, channels], bit 0 first.</summary>
[Computes(typeof(BitPlaneHeadConfig))]
internal sealed unsafe class FusedBitPlaneHead : FusedHead
{
    private readonly int bitDepth;
    private readonly float _max;

    public FusedBitPlaneHead(BitPlaneHeadConfig config, int channels, int bitDepth) : base(channels)
    {
        this.bitDepth = bitDepth;
        _max = (float)((1L << bitDepth) - 1);
    }

    public override int TermsPerSample => Channels * bitDepth;

    public override double Loss(float* raw, float* target, float* gradient, float scale)
    {
        double sum = 0;
        for (int c = 0; c < Channels; c++)
        {
            // As BitPlanes.Quantize: NaN to 0, clamp to [0,1], scale, round half to even.
            float y = float.IsNaN(target[c]) ? 0f : Math.Clamp(target[c], 0f, 1f);
            long integer = (long)MathF.Round(y * _max, MidpointRounding.ToEven);
            for (int b = 0; b < bitDepth; b++)
            {
                int j = b * Channels + c;
                float z = raw[j], bit = (integer >> b) & 1;
                sum += Math.Max(z, 0f) - z * bit + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                gradient[j] = (1f / (1f + MathF.Exp(-z)) - bit) * scale;
            }
        }
        return sum;
    }
}
