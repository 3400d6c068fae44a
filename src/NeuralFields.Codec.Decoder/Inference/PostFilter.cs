using System.Runtime.CompilerServices;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>
/// The loop filter of <see cref="PostFilterConfig"/> on an image's values [height, width, channels] (before rounding),
/// in float32 in a fixed order (docs/format.md §9.6): per sample and output channel, acc = b_c, then for each offset k
/// and input channel c' in order acc += w·((v(p + d_k) − v(p)) + (v(p − d_k) − v(p))) with coordinates clamped to the
/// image, and out = v + acc. Rows are independent, so running them in parallel changes nothing.
/// </summary>
public sealed class PostFilter
{
    private readonly (int Dy, int Dx)[] _offsets;
    private readonly float[] _weight, _bias;
    private readonly int _channels;

    public PostFilter(PostFilterConfig config, int channels, float[] weight, float[] bias)
    {
        _offsets = config.Offsets().ToArray();
        _channels = channels;
        if (weight.Length != channels * _offsets.Length * channels || bias.Length != channels)
            throw new ArgumentException("the post filter's tensors do not match its config");
        (_weight, _bias) = (weight, bias);
    }

    /// <summary>The filtered values of an image of <paramref name="height"/> × <paramref name="width"/> samples.</summary>
    public float[] Apply(float[] values, int height, int width)
    {
        int c = _channels, taps = _offsets.Length * c;
        if (values.LongLength != (long)height * width * c) throw new ArgumentException("the values do not match the image size");
        var result = new float[values.Length];
        int reach = _offsets.Max(d => Math.Max(d.Dy, Math.Abs(d.Dx)));
        var steps = _offsets.Select(d => (d.Dy * width + d.Dx) * c).ToArray();   // each offset as one step in the array
        Parallel.For(0, height, () => new float[taps], [MethodImpl(MethodImplOptions.AggressiveOptimization)] (y, _, differences) =>
        {
            bool interiorRow = y >= reach && y < height - reach;
            for (int x = 0; x < width; x++)
            {
                int centre = (y * width + x) * c;
                if (interiorRow && x >= reach && x < width - reach)
                    InteriorDifferences(values, centre, c, steps, differences);   // no neighbour needs clamping: the same values
                else
                    Differences(values, height, width, c, _offsets, y, x, differences);
                for (int o = 0; o < c; o++)
                {
                    float acc = _bias[o];
                    var w = _weight.AsSpan(o * taps, taps);
                    for (int t = 0; t < taps; t++) acc += w[t] * differences[t];
                    result[centre + o] = values[centre + o] + acc;
                }
            }
            return differences;
        }, _ => { });
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InteriorDifferences(float[] values, int centre, int c, int[] steps, float[] differences)
    {
        int t = 0;
        foreach (int step in steps)
            for (int k = 0; k < c; k++)
            {
                float v = values[centre + k];
                differences[t++] = (values[centre + step + k] - v) + (values[centre - step + k] - v);
            }
    }

    /// <summary>The filter's inputs at (y, x), tap order: for each offset, each channel, (v(p + d) − v(p)) + (v(p − d) − v(p)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Differences(float[] values, int height, int width, int c, ReadOnlySpan<(int Dy, int Dx)> offsets, int y, int x, Span<float> differences)
    {
        int centre = (y * width + x) * c, t = 0;
        foreach (var (dy, dx) in offsets)
        {
            int after = (Math.Clamp(y + dy, 0, height - 1) * width + Math.Clamp(x + dx, 0, width - 1)) * c;
            int before = (Math.Clamp(y - dy, 0, height - 1) * width + Math.Clamp(x - dx, 0, width - 1)) * c;
            for (int k = 0; k < c; k++)
            {
                float v = values[centre + k];
                differences[t++] = (values[after + k] - v) + (values[before + k] - v);
            }
        }
    }
}
