using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Latent;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Tests;

/// <summary>The codec's least-squares fit of the image post filter and its rate-distortion choice.</summary>
public class PostFilterFitTests
{
    private const int Height = 24, Width = 32, Channels = 3;

    /// <summary>A smooth random image's values in [0.1, 0.9], [height, width, channels].</summary>
    private static float[] SmoothValues(ulong seed)
    {
        var random = new PortableRandom(seed);
        var phases = Enumerable.Range(0, 4 * Channels).Select(_ => random.NextDouble() * 6).ToArray();
        var values = new float[Height * Width * Channels];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < Channels; c++)
                    values[(y * Width + x) * Channels + c] = (float)(0.5 + 0.2 * Math.Sin(0.4 * x + phases[4 * c]) * Math.Cos(0.3 * y + phases[4 * c + 1])
                        + 0.2 * Math.Sin(0.9 * x + 0.7 * y + phases[4 * c + 2]) * (0.5 + 0.5 * random.NextDouble()));
        return values;
    }

    private static ushort[] Samples(float[] values, int bits) =>
        values.Select(v => (ushort)FieldEvaluator.Quantize(v, (1 << bits) - 1)).ToArray();

    private static double Mse(float[] values, ushort[] samples, int max) =>
        values.Zip(samples, (v, s) => Math.Pow((FieldEvaluator.Quantize(v, max) - s) / (double)max, 2)).Average();

    [Fact]
    public void The_fit_recovers_the_filter_that_made_the_target()
    {
        var values = SmoothValues(3);
        var filter = new PostFilterConfig { Radius = 1 };
        int taps = filter.Taps(Channels);
        var random = new PortableRandom(8);
        var weight = Enumerable.Range(0, Channels * taps).Select(_ => (float)(random.NextDouble() - 0.5) * 0.3f).ToArray();
        float[] bias = [0.01f, -0.02f, 0.005f];
        var signal = new SignalInfo("image", [Height, Width], Channels, 16);
        var target = Samples(new PostFilter(filter, Channels, weight, bias).Apply(values, Height, Width), 16);

        var chosen = PostFilterFit.Choose(values, signal, target, lambda: 1e-12, largestRadius: 1);
        Assert.NotNull(chosen);
        var (fitted, tensors) = chosen.Value;
        Assert.Equal(1, fitted.Radius);
        var fittedWeight = tensors[0].Dequantize();
        for (int i = 0; i < weight.Length; i++)
            Assert.True(Math.Abs(fittedWeight[i] - weight[i]) < 2e-3, $"tap {i}: {fittedWeight[i]} against {weight[i]}");
        var fittedBias = tensors[1].Dequantize();
        for (int c = 0; c < Channels; c++)
            Assert.True(Math.Abs(fittedBias[c] - bias[c]) < 1e-3, $"bias {c}: {fittedBias[c]} against {bias[c]}");
    }

    [Fact]
    public void A_filter_is_kept_only_where_it_lowers_the_rate_distortion_cost()
    {
        var target = SmoothValues(5);
        var samples = Samples(target, 8);
        // What a network might render: the image blurred by a 3x3 box, so a filter can sharpen it back.
        var blurred = new float[target.Length];
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < Channels; c++)
                {
                    double sum = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                            sum += target[(Math.Clamp(y + dy, 0, Height - 1) * Width + Math.Clamp(x + dx, 0, Width - 1)) * Channels + c];
                    blurred[(y * Width + x) * Channels + c] = (float)(sum / 9);
                }
        var signal = new SignalInfo("image", [Height, Width], Channels, 8);

        var chosen = PostFilterFit.Choose(blurred, signal, samples, lambda: 1e-6);
        Assert.NotNull(chosen);
        var (filter, tensors) = chosen.Value;
        var filtered = new PostFilter(filter, Channels, tensors[0].Dequantize(), tensors[1].Dequantize()).Apply(blurred, Height, Width);
        double before = Mse(blurred, samples, 255), after = Mse(filtered, samples, 255);
        Assert.True(after < before / 2, $"MSE {before:E3} before the filter, {after:E3} after");

        // At a λ where every bit costs more than the whole distortion, no filter pays.
        Assert.Null(PostFilterFit.Choose(blurred, signal, samples, lambda: 1.0));
    }
}
