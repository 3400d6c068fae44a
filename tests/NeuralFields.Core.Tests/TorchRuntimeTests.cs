using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchSharp_loads_and_trains_a_linear_model()
    {
        Torch.Seed(1);
        using var x = linspace(-1, 1, 64).reshape(64, 1);
        using var y = x * 3 + 0.5;
        var layer = nn.Linear(1, 1);
        using var adam = new Adam(layer.parameters().Select(p => (p, 1.0)), 0.9, 0.999, 1e-8);
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            using var scope = NewDisposeScope();
            adam.ZeroGrad();
            var loss = nn.functional.mse_loss(layer.forward(x), y);
            loss.backward();
            adam.Update(0.05);
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first * 1e-3, $"loss went from {first} to {last}");
        Assert.Equal(3.0, layer.weight!.item<float>(), 2);
        Assert.Equal(0.5, layer.bias!.item<float>(), 2);
    }

    [Fact]
    public void Custom_sine_gradient_matches_autograd_of_plain_ops()
    {
        Torch.Seed(2);
        using var z1 = randn(50, 7).requires_grad_();
        using var z2 = z1.detach().clone().requires_grad_();
        using var w = randn(50, 7);
        (Layers.SineFunction.Apply(z1, 30.0) * w).sum().backward();
        ((z2 * 30.0).sin() * w).sum().backward();
        Assert.True(allclose(z1.grad!, z2.grad!, rtol: 1e-5, atol: 1e-5));
        Assert.True(allclose(Layers.SineFunction.Apply(z1.detach(), 30.0), (z1.detach() * 30).sin()));
    }
}
