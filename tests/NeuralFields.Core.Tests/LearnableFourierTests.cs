using NeuralFields.Core.Encodings;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class LearnableFourierTests
{
    public LearnableFourierTests() => Torch.EnsureLoaded();

    [Fact]
    public void Features_equal_hand_computed_values_for_a_set_frequency_matrix()
    {
        var e = new LearnableFourierFeatures(new LearnableFourierConfig { Features = 4, Gamma = 1 }, 2);
        Assert.Equal(4, e.OutputDims);
        double[,] w = { { 1.5, -2.0 }, { 0.25, 3.0 } };
        using (no_grad())
        using (var values = tensor(new float[] { 1.5f, -2.0f, 0.25f, 3.0f }).reshape(2, 2))
            e.Frequencies.copy_(values);
        double x = 0.4, y = -0.7;
        using var input = tensor(new float[] { (float)x, (float)y }).reshape(1, 2);
        using var output = e.forward(input);
        var actual = output.data<float>().ToArray();
        for (int k = 0; k < 2; k++)
        {
            double phase = w[k, 0] * x + w[k, 1] * y;     // no 2π factor
            Assert.Equal(Math.Cos(phase) / 2, actual[k], 5);   // 1/√F = 1/2
            Assert.Equal(Math.Sin(phase) / 2, actual[2 + k], 5);
        }
    }

    [Fact]
    public void Frequencies_start_with_std_one_over_gamma_and_are_trained()
    {
        Torch.Seed(5);
        var e = new LearnableFourierFeatures(new LearnableFourierConfig { Features = 4096, Gamma = 0.05 }, 2);
        Assert.Equal(20.0, e.Frequencies.std().item<float>(), 20.0 * 0.05);
        Assert.Single(e.parameters());   // without the MLP, W_r is the only parameter

        var withMlp = new LearnableFourierFeatures(new LearnableFourierConfig { Features = 8, Gamma = 1, MlpHidden = 5, Output = 3 }, 2);
        Assert.Equal(3, withMlp.OutputDims);
        using var x = rand(6, 2);
        using var y = withMlp.forward(x);
        Assert.Equal([6L, 3L], y.shape);
        y.sum().backward();
        Assert.NotNull(withMlp.Frequencies.grad);
        Assert.True(withMlp.Frequencies.grad!.abs().sum().item<float>() > 0);
    }
}
