using System.Runtime.CompilerServices;
using NeuralFields.Core.Encodings;
using NeuralFields.Core.Encodings.HashGrid;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema.Components;
using TorchSharp.Modules;
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

    /// <summary>Features of samples [start, start + rows) into rows of <paramref name="tile"/> (stride <paramref name="stride"/>); other columns are left alone.</summary>
    public abstract void Encode(float* coordinates, long start, int rows, float* tile, int stride);

    /// <summary>The trained tensor's whole gradient from the features' gradients [n, <see cref="Width"/>] (overwrites <paramref name="gradient"/>).</summary>
    public virtual void Backward(float* coordinates, long n, float* featureGradients, float* gradient) { }
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
/// The hash grid: the gather of <see cref="HashGridKernels"/> a tile at a time (sample-major, so each row is the
/// sample's features), and its level-parallel scatter for the table's gradient (no two threads write one entry,
/// samples in order: deterministic).
/// </summary>
[Computes(typeof(HashGridConfig))]
internal sealed unsafe class FusedHashGrid : FusedEncoding
{
    private readonly HashGridLayout _layout;
    private readonly Parameter _table;

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
            for (int l = 0; l < _layout.Levels; l++)
            {
                var lv = _layout.LevelConstants[l];
                for (int r = 0; r < rows; r++)
                {
                    float* c = coordinates + (start + r) * 2;
                    float px = HashGridLevel.Position(c[0], lv.Scale), py = HashGridLevel.Position(c[1], lv.Scale);
                    int x0 = (int)px, y0 = (int)py;
                    float fx = px - x0, fy = py - y0;
                    uint gx = (uint)x0, gy = (uint)y0;
                    float* e00 = table + (long)lv.Index(gx, gy, 0) * f, e10 = table + (long)lv.Index(gx + 1, gy, 0) * f;
                    float* e01 = table + (long)lv.Index(gx, gy + 1, 0) * f, e11 = table + (long)lv.Index(gx + 1, gy + 1, 0) * f;
                    float w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
                    float* row = tile + (long)r * stride + l * f;
                    for (int k = 0; k < f; k++)
                        row[k] = w00 * e00[k] + w10 * e10[k] + w01 * e01[k] + w11 * e11[k];
                }
            }
            return;
        }
        Span<int> index = stackalloc int[8];
        Span<float> weight = stackalloc float[8];
        for (int r = 0; r < rows; r++)
            for (int l = 0; l < _layout.Levels; l++)
            {
                _layout.Corners1(new ReadOnlySpan<float>(coordinates + (start + r) * d, d), l, index, weight);
                float* row = tile + (long)r * stride + l * f;
                for (int k = 0; k < f; k++) row[k] = 0f;
                for (int c = 0; c < _layout.Corners; c++)
                {
                    float* entry = table + (long)index[c] * f;
                    for (int k = 0; k < f; k++) row[k] += weight[c] * entry[k];
                }
            }
    }

    public override void Backward(float* coordinates, long n, float* featureGradients, float* gradient) =>
        HashGridKernels.Backward(_layout, coordinates, n, featureGradients, gradient);
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
