using NeuralFields.Core.Encodings;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class EncodingTests
{
    public EncodingTests() => Torch.EnsureLoaded();

    private static float[] Row(Encoding e, params float[] coordinate)
    {
        using var x = tensor(coordinate).reshape(1, coordinate.Length);
        using var y = e.forward(x);
        return y.data<float>().ToArray();
    }

    [Fact]
    public void Positional_encoding_equals_hand_computed_values()
    {
        var e = new PositionalEncoding(new PositionalEncodingConfig { Octaves = 2, IncludeInput = true, MultiplyByPi = true }, 2);
        Assert.Equal(10, e.OutputDims);
        double x = 0.25, y = -0.5, p = Math.PI;
        double[] expected =
        [
            x, y,
            Math.Sin(p * x), Math.Sin(p * y), Math.Cos(p * x), Math.Cos(p * y),
            Math.Sin(2 * p * x), Math.Sin(2 * p * y), Math.Cos(2 * p * x), Math.Cos(2 * p * y),
        ];
        var actual = Row(e, 0.25f, -0.5f);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void Positional_encoding_without_pi_or_input()
    {
        var e = new PositionalEncoding(new PositionalEncodingConfig { Octaves = 3, IncludeInput = false, MultiplyByPi = false }, 1);
        Assert.Equal(6, e.OutputDims);
        var actual = Row(e, 0.7f);
        double[] expected = [Math.Sin(0.7), Math.Cos(0.7), Math.Sin(1.4), Math.Cos(1.4), Math.Sin(2.8), Math.Cos(2.8)];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void Random_fourier_features_equal_hand_computed_values_from_the_seeded_matrix()
    {
        var config = new GaussianFourierConfig { Features = 3, Sigma = 2.5, Seed = 11 };
        var e = new GaussianFourierFeatures(config, 2);
        var random = new PortableRandom(11);
        var b = new double[6];
        for (int i = 0; i < 6; i++) b[i] = 2.5 * random.NextGaussian();
        double x = -0.3, y = 0.9;
        var actual = Row(e, (float)x, (float)y);
        Assert.Equal(6, actual.Length);
        for (int k = 0; k < 3; k++)
        {
            double phase = 2 * Math.PI * (b[2 * k] * x + b[2 * k + 1] * y);
            Assert.Equal(Math.Cos(phase), actual[k], 4);
            Assert.Equal(Math.Sin(phase), actual[3 + k], 4);
        }
    }

    [Fact]
    public void Encodings_refuse_coordinates_of_the_wrong_width()
    {
        var e = new IdentityEncoding(new IdentityEncodingConfig(), 2);
        using var x = zeros(4, 3);
        Assert.Throws<ArgumentException>(() => e.forward(x));
    }
}
