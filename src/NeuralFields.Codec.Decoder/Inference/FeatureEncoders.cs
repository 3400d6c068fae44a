using System.Runtime.CompilerServices;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>
/// An encoding evaluated on a block of q queries, feature-major: input [dims][q] → output [features][q].
/// The feature order is the TorchSharp encoding's, so stored weights line up. Each encoding is one class
/// marked [<see cref="ComputesAttribute"/>], constructed from (config, coordinate dims, the file's tensors by name).
/// </summary>
internal abstract class FeatureEncoder(int inputDims, int outputs)
{
    private static readonly ImplementationCatalog<FeatureEncoder> Catalog = new(typeof(FeatureEncoder).Assembly, Backend.Decoder, typeof(EncodingConfig));

    /// <summary>Every encoding config type the decoder computes, for the registry-driven tests.</summary>
    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public int InputDims { get; } = inputDims;

    public int Outputs { get; } = outputs;

    public abstract void Encode(ReadOnlySpan<float> input, int q, Span<float> output);

    public static FeatureEncoder Create(EncodingConfig config, int inputDims, IReadOnlyDictionary<string, float[]> tensors) =>
        Catalog.Create(config, inputDims, tensors);
}

[Computes(typeof(IdentityEncodingConfig))]
internal sealed class IdentityEncoder : FeatureEncoder
{
    public IdentityEncoder(IdentityEncodingConfig config, int dims, IReadOnlyDictionary<string, float[]> tensors) : base(dims, config.OutputDims(dims))
    {
    }

    public override void Encode(ReadOnlySpan<float> input, int q, Span<float> output) => input[..(InputDims * q)].CopyTo(output);
}

/// <summary>[x, then per octave k: sin(f_k x_d) for every d, cos(f_k x_d) for every d], f_k = 2^k·(π or 1) in float32.</summary>
[Computes(typeof(PositionalEncodingConfig))]
internal sealed class PositionalEncoder : FeatureEncoder
{
    private readonly PositionalEncodingConfig _config;
    private readonly float[] _frequencies;

    public PositionalEncoder(PositionalEncodingConfig config, int dims, IReadOnlyDictionary<string, float[]> tensors)
        : base(dims, config.OutputDims(dims))
    {
        _config = config;
        double scale = config.MultiplyByPi ? Math.PI : 1.0;
        _frequencies = Enumerable.Range(0, config.Octaves).Select(k => (float)((double)(1L << k) * scale)).ToArray();
    }

    public override void Encode(ReadOnlySpan<float> input, int q, Span<float> output)
    {
        int row = 0;
        if (_config.IncludeInput)
        {
            input[..(InputDims * q)].CopyTo(output);
            row = InputDims;
        }
        foreach (float f in _frequencies)
        {
            for (int d = 0; d < InputDims; d++, row++)
                Kernels.Map(input.Slice(d * q, q), output.Slice(row * q, q), x => Kernels.Sin(x * f));
            for (int d = 0; d < InputDims; d++, row++)
                Kernels.Map(input.Slice(d * q, q), output.Slice(row * q, q), x => Kernels.Cos(x * f));
        }
    }
}

/// <summary>[cos(2πBx) for every feature, sin(2πBx) for every feature], phase summed over dims in order.</summary>
[Computes(typeof(GaussianFourierConfig))]
internal sealed class FourierEncoder : FeatureEncoder
{
    private readonly float[] _matrix;
    private readonly int _features;

    public FourierEncoder(GaussianFourierConfig config, int dims, IReadOnlyDictionary<string, float[]> tensors) : base(dims, config.OutputDims(dims))
    {
        _features = config.Features;
        _matrix = GaussianFourierMatrix.Build(config, dims);
    }

    public override void Encode(ReadOnlySpan<float> input, int q, Span<float> output)
    {
        Span<float> phase = q <= 4096 ? stackalloc float[q] : new float[q];
        for (int f = 0; f < _features; f++)
        {
            phase.Clear();
            for (int d = 0; d < InputDims; d++)
                Kernels.MultiplyAdd(phase, input.Slice(d * q, q), _matrix[f * InputDims + d]);
            Kernels.Map(phase, output.Slice(f * q, q), Kernels.Cos);
            Kernels.Map(phase, output.Slice((_features + f) * q, q), Kernels.Sin);
        }
    }
}

/// <summary>Multiresolution hash encoding: per level, Σ over the 2^d corners (in corner order) of weight × table entry.</summary>
[Computes(typeof(HashGridConfig))]
internal sealed class HashGridEncoder : FeatureEncoder
{
    private readonly HashGridLevel[] _levels;
    private readonly int _features;
    private readonly float[] _table;

    public HashGridEncoder(HashGridConfig config, int dims, IReadOnlyDictionary<string, float[]> tensors) : base(dims, config.OutputDims(dims))
    {
        _levels = HashGridLevel.For(config, dims);
        _features = config.NFeaturesPerLevel;
        _table = tensors[FieldLayout.Encoding(HashGridConfig.TableName)];
    }

    public override void Encode(ReadOnlySpan<float> input, int q, Span<float> output)
    {
        int dims = InputDims, corners = 1 << dims;
        Span<uint> cell = stackalloc uint[3];
        Span<float> frac = stackalloc float[3];
        Span<uint> vertex = stackalloc uint[3];
        for (int l = 0; l < _levels.Length; l++)
        {
            var level = _levels[l];
            for (int j = 0; j < q; j++)
            {
                for (int d = 0; d < dims; d++)
                {
                    float position = HashGridLevel.Position(input[d * q + j], level.Scale);
                    float floor = MathF.Floor(position);
                    cell[d] = (uint)floor;
                    frac[d] = position - floor;
                }
                for (int c = 0; c < corners; c++)
                {
                    float w = 1f;
                    for (int d = 0; d < dims; d++)
                    {
                        bool upper = ((c >> d) & 1) != 0;
                        vertex[d] = cell[d] + (upper ? 1u : 0u);
                        w *= upper ? frac[d] : 1f - frac[d];
                    }
                    int entry = level.Index(vertex[0], vertex[1], vertex[2]) * _features;
                    for (int f = 0; f < _features; f++)
                    {
                        ref float target = ref output[(l * _features + f) * q + j];
                        float term = w * _table[entry + f];
                        target = c == 0 ? term : target + term;
                    }
                }
            }
        }
    }
}

/// <summary>
/// Latent grids: per level, gain · the linear interpolation of the level's grid along each axis at the query
/// (docs/format.md §9.1): lower corner first along every axis, x blended first, then y, then z. Level values are round(gain · stored value), as the TorchSharp model
/// rounds them when it renders; a file's grids hold integers / gain, so this is the integer itself.
/// </summary>
[Computes(typeof(LatentGridConfig))]
internal sealed class LatentGridEncoder : FeatureEncoder
{
    private readonly LatentGridConfig _config;
    private readonly float[][] _levels;

    public LatentGridEncoder(LatentGridConfig config, int dims, IReadOnlyDictionary<string, float[]> tensors) : base(dims, config.OutputDims(dims))
    {
        config.Tensors(dims);
        _config = config;
        _levels = Enumerable.Range(0, config.Levels).Select(l =>
        {
            var stored = tensors[FieldLayout.Encoding(LatentGridConfig.LatentName(l))];
            return stored.Select(v => MathF.Round(v * config.Gain, MidpointRounding.ToEven)).ToArray();   // a file's values are integers / gain already
        }).ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Encode(ReadOnlySpan<float> input, int q, Span<float> output)
    {
        for (int l = 0; l < _levels.Length; l++)
        {
            var shape = _config.LevelShape(l);
            var grid = _levels[l];
            var values = output.Slice(l * q, q);
            switch (shape.Length)
            {
                case 1:
                    for (int j = 0; j < q; j++)
                    {
                        var (x0, x1, fx) = Corners(input[j], shape[0]);
                        values[j] = grid[x0] * (1 - fx) + grid[x1] * fx;
                    }
                    break;
                case 2:
                    for (int j = 0, w = shape[1]; j < q; j++)
                    {
                        var (x0, x1, fx) = Corners(input[j], w);
                        var (y0, y1, fy) = Corners(input[q + j], shape[0]);
                        values[j] = Blend(grid, y0 * w, y1 * w, x0, x1, fx, fy);
                    }
                    break;
                default:
                    for (int j = 0, w = shape[2], plane = shape[1] * w; j < q; j++)
                    {
                        var (x0, x1, fx) = Corners(input[j], w);
                        var (y0, y1, fy) = Corners(input[q + j], shape[1]);
                        var (z0, z1, fz) = Corners(input[2 * q + j], shape[0]);
                        float near = Blend(grid, z0 * plane + y0 * w, z0 * plane + y1 * w, x0, x1, fx, fy);
                        float far = Blend(grid, z1 * plane + y0 * w, z1 * plane + y1 * w, x0, x1, fx, fy);
                        values[j] = near * (1 - fz) + far * fz;
                    }
                    break;
            }
        }
    }

    /// <summary>Bilinear within one plane: the rows starting at <paramref name="top"/> and <paramref name="bottom"/>, each blended along x, then the two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Blend(float[] grid, int top, int bottom, int x0, int x1, float fx, float fy) =>
        LatentSampling.Bilinear(grid[top + x0], grid[top + x1], grid[bottom + x0], grid[bottom + x1], fx, fy);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int Lower, int Upper, float Fraction) Corners(float coordinate, int n) => LatentSampling.Corners(coordinate, n);
}
