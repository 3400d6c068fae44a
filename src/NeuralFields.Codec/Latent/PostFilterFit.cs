using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// Fits the image's post filter (<see cref="PostFilterConfig"/>) to what the portable decoder renders: least squares
/// of the filter's taps on the residual source − network, per radius, then the power-of-two step of its tensors and
/// the radius chosen on the real cost MSE + λ·(filter bits)/pixels, measured with the decoder's own filter; no filter
/// when none lowers the cost. On kodim03 at λ 2e-3 a 5x5 filter gave +0.19 dB (33.40 to 33.59) for about 110 bytes.
/// </summary>
public static class PostFilterFit
{
    private static readonly int[] Fractions = [5, 6, 7, 8, 9, 10, 11];

    /// <summary>Row bands whose sums are added in band order, so the fit is the same however many cores run it.</summary>
    private const int Bands = 32;

    /// <summary>
    /// The config and tensors of the file: <paramref name="config"/> and <paramref name="tensors"/>, with the best post
    /// filter of radius up to <paramref name="largestRadius"/> when one pays.
    /// </summary>
    public static (FieldConfig Config, List<QuantizedTensor> Tensors) Choose(FieldConfig config, SignalInfo signal, ushort[] samples,
        List<QuantizedTensor> tensors, double lambda, int largestRadius = PostFilterConfig.MaxRadius)
    {
        if (!PostFilterConfig.AppliesTo(signal) || config.Head is not (LinearHeadConfig or SigmoidHeadConfig)) return (config, tensors);
        var values = new FieldEvaluator(config, signal, tensors.ToDictionary(t => t.Name, t => t.Dequantize())).NetworkValues();
        return Choose(values, signal, samples, lambda, largestRadius) is var (filter, filterTensors)
            ? (config with { PostFilter = filter }, [.. tensors, .. filterTensors])
            : (config, tensors);
    }

    /// <summary>
    /// The filter for an image whose network renders <paramref name="values"/> ([height, width, channels], before
    /// rounding) and its tensors ("filter.weight", "filter.bias"), or null when no filter lowers MSE + λ·bits/pixels.
    /// </summary>
    public static (PostFilterConfig Filter, QuantizedTensor[] Tensors)? Choose(float[] values, SignalInfo signal, ushort[] samples,
        double lambda, int largestRadius = PostFilterConfig.MaxRadius)
    {
        int height = signal.Dimensions[0], width = signal.Dimensions[1], channels = signal.Channels;
        double bestCost = Mse(values, samples, signal.MaxValue);
        (PostFilterConfig, QuantizedTensor[])? best = null;
        for (int radius = 1; radius <= Math.Min(largestRadius, PostFilterConfig.MaxRadius); radius++)
        {
            var filter = new PostFilterConfig { Radius = radius };
            var (weight, bias) = Fit(filter, values, samples, signal);
            int taps = filter.Taps(channels);
            foreach (int k in Fractions)
            {
                float step = MathF.ScaleB(1f, -k);
                var filterTensors = new[]
                {
                    LatentQuantizer.Tensor(LinearLayer.Weight(FieldLayout.FilterPrefix), [channels, taps], weight, step),
                    LatentQuantizer.Tensor(LinearLayer.Bias(FieldLayout.FilterPrefix), [channels], bias, step),
                };
                var applied = new PostFilter(filter, channels, filterTensors[0].Dequantize(), filterTensors[1].Dequantize()).Apply(values, height, width);
                // The filter's tensors in the weight stream, and its header fields (a bit width and a step per tensor, the radius).
                double bits = 8.0 * (LatentCompressor.StreamBytes(filterTensors) + 5);
                double cost = Mse(applied, samples, signal.MaxValue) + lambda * bits / signal.SampleCount;
                if (cost < bestCost) (bestCost, best) = (cost, (filter, filterTensors));
            }
        }
        return best;
    }

    /// <summary>Least-squares taps and biases [channels, taps] and [channels] for the residual of <paramref name="values"/>.</summary>
    private static (float[] Weight, float[] Bias) Fit(PostFilterConfig filter, float[] values, ushort[] samples, SignalInfo signal)
    {
        int height = signal.Dimensions[0], width = signal.Dimensions[1], c = signal.Channels;
        var offsets = filter.Offsets().ToArray();
        int taps = filter.Taps(c), n = taps + 1;                         // the last input is the bias's constant one
        double scale = 1.0 / signal.MaxValue;
        var gram = new double[Bands][];
        var cross = new double[Bands][];
        Parallel.For(0, Bands, band =>
        {
            var g = new double[n * n];
            var t = new double[c * n];
            var inputs = new float[taps];
            var f = new double[n];
            f[taps] = 1;
            for (int y = band * height / Bands; y < (band + 1) * height / Bands; y++)
                for (int x = 0; x < width; x++)
                {
                    PostFilter.Differences(values, height, width, c, offsets, y, x, inputs);
                    for (int i = 0; i < taps; i++) f[i] = inputs[i];
                    for (int i = 0; i < n; i++)
                    {
                        double fi = f[i];
                        for (int j = 0; j <= i; j++) g[i * n + j] += fi * f[j];
                    }
                    int at = (y * width + x) * c;
                    for (int o = 0; o < c; o++)
                    {
                        double target = samples[at + o] * scale - values[at + o];
                        for (int i = 0; i < n; i++) t[o * n + i] += f[i] * target;
                    }
                }
            (gram[band], cross[band]) = (g, t);
        });
        var a = new double[n * n];
        var b = new double[c * n];
        for (int band = 0; band < Bands; band++)
        {
            for (int i = 0; i < a.Length; i++) a[i] += gram[band][i];
            for (int i = 0; i < b.Length; i++) b[i] += cross[band][i];
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
        // A little ridge keeps flat images (all differences zero) solvable.
        for (int i = 0; i < n; i++) a[i * n + i] += 1e-9 * (a[i * n + i] + 1);
        var factor = Cholesky(a, n);
        var weight = new float[c * taps];
        var bias = new float[c];
        for (int o = 0; o < c; o++)
        {
            var solution = Solve(factor, n, b.AsSpan(o * n, n));
            for (int i = 0; i < taps; i++) weight[o * taps + i] = (float)solution[i];
            bias[o] = (float)solution[taps];
        }
        return (weight, bias);
    }

    /// <summary>L with A = L·Lᵀ, row-major, for a symmetric positive definite A.</summary>
    private static double[] Cholesky(double[] a, int n)
    {
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * n + j];
                for (int k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                l[i * n + j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-300)) : sum / l[j * n + j];
            }
        return l;
    }

    private static double[] Solve(double[] l, int n, ReadOnlySpan<double> b)
    {
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
            y[i] = sum / l[i * n + i];
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
            x[i] = sum / l[i * n + i];
        }
        return x;
    }

    /// <summary>MSE in [0,1] units of the integers the values round to, as the file decodes them (no copy: a 12 MP image's values are 144 MB).</summary>
    private static double Mse(float[] values, ushort[] samples, int maxValue)
    {
        double sum = 0, scale = 1.0 / maxValue;
        for (int i = 0; i < samples.Length; i++)
        {
            double d = (FieldEvaluator.Quantize(values[i], maxValue) - samples[i]) * scale;
            sum += d * d;
        }
        return sum / samples.Length;
    }
}
