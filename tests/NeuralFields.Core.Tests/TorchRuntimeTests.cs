using NeuralFields.Core.Encodings;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema.Components;
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

    [Fact]
    public void Without_gradients_the_custom_nodes_give_their_autograd_forward_bit_for_bit()
    {
        // Prediction skips the autograd node (whose context would keep its input alive until a GC); the values must not change.
        Torch.Seed(3);
        using var z = (randn(300, 9) * 0.2).requires_grad_();
        Tensor[] Values()
        {
            var grid = new HashGridEncoding(new HashGridConfig { NLevels = 3, BaseResolution = 3, PerLevelScale = 2, Log2HashmapSize = 6, InitScale = 0.5 }, 2);
            using var coordinates = rand(300, 2) * 2 - 1;
            return
            [
                Layers.SineFunction.Apply(z, 30.0),
                Layers.SpderFunction.Apply(z, 30.0, SpderDamping.Sqrt),
                Layers.SpderFunction.Apply(z, 30.0, SpderDamping.Arctan),
                grid.forward(coordinates),
            ];
        }
        Torch.Seed(4);
        var tracked = Values();
        Torch.Seed(4);
        Tensor[] direct;
        using (no_grad()) direct = Values();
        for (int i = 0; i < tracked.Length; i++)
        {
            Assert.True(tracked[i].requires_grad && !direct[i].requires_grad);
            Assert.True(tracked[i].detach().eq(direct[i]).all().item<bool>(), $"value {i} differs without gradients");
        }
    }

    [Fact]
    public void Fused_adam_follows_the_torch_ops_and_drops_gradients()
    {
        // 200,000 elements: several parallel chunks; a 3-element tensor: the serial path.
        var runs = new[] { true, false }.Select(fused =>
        {
            Torch.Seed(5);
            var big = new TorchSharp.Modules.Parameter(randn(200_000));
            var small = new TorchSharp.Modules.Parameter(randn(3));
            using var adam = new Adam([(big, 1.0), (small, 0.5)], 0.9, 0.99, 1e-8, fused);
            for (int step = 0; step < 5; step++)
            {
                using var scope = NewDisposeScope();
                adam.ZeroGrad();
                Assert.Null(big.grad);
                ((big * big).sum() + (small.sin() * 3).sum() + (big[..1000] * (step + 1)).sum()).backward();
                adam.Update(1e-2);
            }
            return (Big: big.detach().clone(), Small: small.detach().clone());
        }).ToArray();
        Assert.True(allclose(runs[0].Big, runs[1].Big, rtol: 1e-5, atol: 1e-6), "fused and torch Adam differ (large tensor)");
        Assert.True(allclose(runs[0].Small, runs[1].Small, rtol: 1e-5, atol: 1e-6), "fused and torch Adam differ (small tensor)");
        Assert.False(allclose(runs[0].Big, runs[0].Big.new_zeros(200_000)));   // the parameters moved
    }
}
