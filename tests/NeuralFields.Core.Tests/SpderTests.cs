using NeuralFields.Core.Layers;
using NeuralFields.Core.Models;
using NeuralFields.Core.Networks;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class SpderTests
{
    public SpderTests() => Torch.EnsureLoaded();

    private static (double Value, double Gradient) Evaluate(double z, double omega, SpderDamping damping)
    {
        using var input = tensor(new[] { (float)z }).requires_grad_();
        using var output = SpderFunction.Apply(input, omega, damping);
        output.sum().backward();
        return (output.item<float>(), input.grad!.item<float>());
    }

    [Theory]
    [InlineData(0.1)]      // u = 3
    [InlineData(-0.05)]    // u = -1.5
    [InlineData(0.5)]      // u = 15
    public void Sqrt_damping_value_and_gradient_at_known_points(double z)
    {
        const double omega = 30;
        double u = omega * z, root = Math.Sqrt(Math.Abs(u));
        // d/dz sin(u)√|u| = ω (cos(u)√|u| + sin(u) sign(u) / (2√|u|))
        double value = Math.Sin(u) * root;
        double gradient = omega * (Math.Cos(u) * root + Math.Sin(u) * Math.Sign(u) / (2 * root));
        var (actualValue, actualGradient) = Evaluate(z, omega, SpderDamping.Sqrt);
        Assert.Equal(value, actualValue, 4);
        Assert.Equal(gradient, actualGradient, Math.Abs(gradient) * 1e-4);
    }

    [Fact]
    public void Hand_computed_numbers_at_u_equal_3()
    {
        // sin 3 = 0.1411200, cos 3 = -0.9899925, √3 = 1.7320508, arctan 3 = 1.2490458.
        var (value, gradient) = Evaluate(0.1, 30, SpderDamping.Sqrt);
        Assert.Equal(0.244427, value, 5);                                   // 0.1411200 · 1.7320508
        Assert.Equal(30 * (-0.9899925 * 1.7320508 + 0.1411200 / 3.4641016), gradient, 3);   // -50.2197
        var (arcValue, arcGradient) = Evaluate(0.1, 30, SpderDamping.Arctan);
        Assert.Equal(0.1411200 * 1.2490458, arcValue, 5);                  // 0.176266
        Assert.Equal(30 * (-0.9899925 * 1.2490458 + 0.1411200 / 10), arcGradient, 3);   // -36.6727
    }

    [Fact]
    public void At_zero_the_value_and_gradient_are_finite_and_zero()
    {
        var (value, gradient) = Evaluate(0, 30, SpderDamping.Sqrt);
        Assert.Equal(0, value);
        Assert.True(double.IsFinite(gradient) && Math.Abs(gradient) < 1e-12);
        var (arcValue, arcGradient) = Evaluate(0, 30, SpderDamping.Arctan);
        Assert.Equal(0, arcValue);
        Assert.Equal(0, arcGradient);
    }

    [Theory]
    [InlineData(SpderDamping.Sqrt)]
    [InlineData(SpderDamping.Arctan)]
    public void Gradient_matches_autograd_of_plain_ops(SpderDamping damping)
    {
        Torch.Seed(7);
        using var z1 = (randn(40, 9) * 0.2).requires_grad_();
        using var z2 = z1.detach().clone().requires_grad_();
        using var w = randn(40, 9);
        (SpderFunction.Apply(z1, 30.0, damping) * w).sum().backward();
        using var u = z2 * 30.0;
        using var plain = damping == SpderDamping.Sqrt ? u.sin() * u.abs().sqrt() : u.sin() * u.arctan();
        (plain * w).sum().backward();
        Assert.True(allclose(z1.grad!, z2.grad!, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Spder_layers_use_siren_initialisation()
    {
        Torch.Seed(3);
        var config = new SpderActivationConfig { Omega0 = 30, FirstOmega0 = 30 };
        var mlp = new Mlp(2, 3, hiddenLayers: 2, width: 128, layer => ComponentBuilders.BuildActivation(config, layer));
        var weights = mlp.named_parameters().Where(p => p.name.EndsWith("weight")).Select(p => p.parameter).ToList();
        Assert.True(weights[0].abs().max().item<float>() <= 1.0 / 2 + 1e-6);                    // first: ±1/n
        Assert.True(weights[1].abs().max().item<float>() <= Math.Sqrt(6.0 / 128) / 30 + 1e-6);   // hidden: ±√(6/n)/ω0
        Assert.True(weights[2].abs().max().item<float>() <= Math.Sqrt(6.0 / 128) / 30 + 1e-6);   // output
        Assert.IsAssignableFrom<SirenActivation>(ComponentBuilders.BuildActivation(config, 0));
    }
}
