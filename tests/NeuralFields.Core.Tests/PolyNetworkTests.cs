using NeuralFields.Core.Networks;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class PolyNetworkTests
{
    public PolyNetworkTests() => Torch.EnsureLoaded();

    [Fact]
    public void Output_equals_the_formula_computed_from_its_parameters()
    {
        Torch.Seed(6);
        var net = new PolyNetwork(new PolyConfig { Levels = 2, Width = 5 }, 2, 3);
        var p = net.named_parameters().ToDictionary(q => q.name, q => q.parameter);
        Assert.Equal(3 * 4 + 2, p.Count);   // A_i, W_i (weight and bias) for levels 0..2, then the output layer
        using var x = rand(7, 2) * 2 - 1;
        using var xt = cat([x, ones(7, 1)], dim: 1);   // x̃ = [x, 1]
        Tensor A(int i) => cat([p[$"affine.{i}.weight"], p[$"affine.{i}.bias"].unsqueeze(1)], dim: 1);   // [width, 3]
        Tensor W(int i, Tensor v) => v.matmul(p[$"weights.{i}.weight"].t()) + p[$"weights.{i}.bias"];
        static Tensor Leaky(Tensor v) => where(v > 0, v, v * 0.2);
        using var scope = NewDisposeScope();
        var h = Leaky(W(0, xt.matmul(A(0).t())));
        for (int i = 1; i <= 2; i++)
            h = Leaky(W(i, h * xt.matmul(A(i).t())));
        var expected = h.matmul(p["output.weight"].t()) + p["output.bias"];
        using var actual = net.forward(x);
        Assert.True(allclose(actual, expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_single_level_is_affine_in_each_region_and_degree_grows_with_levels()
    {
        // Level 0 only, slope 0.2: σ(W A x̃) is piecewise linear, so a second difference along x vanishes
        // away from kinks; with two levels the products make it curve.
        Torch.Seed(8);
        var flat = new PolyNetwork(new PolyConfig { Levels = 0, Width = 1 }, 1, 1);
        var curved = new PolyNetwork(new PolyConfig { Levels = 2, Width = 1 }, 1, 1);
        using (no_grad())
            foreach (var net in new[] { flat, curved })
                foreach (var q in net.parameters())
                    q.fill_(0.5);   // positive everywhere on [0, 1]: no kink
        using var x = linspace(0, 1, 5).reshape(5, 1);
        float SecondDifference(PolyNetwork net)
        {
            using var y = net.forward(x);
            var v = y.data<float>().ToArray();
            return v[0] - 2 * v[2] + v[4];
        }
        Assert.Equal(0, SecondDifference(flat), 5);
        Assert.True(Math.Abs(SecondDifference(curved)) > 1e-3);
    }
}
