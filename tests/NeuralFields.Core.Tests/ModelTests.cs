using NeuralFields.Core.Models;
using NeuralFields.Core.Networks;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class ModelTests
{
    public ModelTests() => Torch.EnsureLoaded();

    [Fact]
    public void Siren_initialisation_follows_the_paper_bounds()
    {
        Torch.Seed(3);
        const double omega = 30;
        var mlp = new Mlp(2, 3, hiddenLayers: 3, width: 256, layer => ComponentBuilders.BuildActivation(new SineActivationConfig { Omega0 = omega, FirstOmega0 = omega }, layer));
        var weights = mlp.named_parameters().Where(p => p.name.EndsWith("weight")).Select(p => p.parameter).ToList();
        Assert.Equal(4, weights.Count);
        AssertUniformWithin(weights[0], 1.0 / 2);                          // first layer: ±1/n, n = 2
        for (int i = 1; i < weights.Count; i++)
            AssertUniformWithin(weights[i], Math.Sqrt(6.0 / 256) / omega);  // hidden and output: ±√(6/n)/ω0
    }

    private static void AssertUniformWithin(Tensor w, double bound)
    {
        double max = w.abs().max().item<float>();
        Assert.True(max <= bound * (1 + 1e-6), $"max |w| {max} above bound {bound}");
        Assert.True(max >= bound * 0.9 || w.numel() < 50, $"max |w| {max} far below bound {bound}: not U(±bound)");
        double std = w.std().item<float>();
        Assert.Equal(bound / Math.Sqrt(3), std, bound * 0.1);          // std of U(-a, a) is a/√3
    }

    [Fact]
    public void Every_registered_component_builds_with_the_declared_widths()
    {
        var info = new SignalInfo("image", [4, 4], 3, 8);
        var encodings = ComponentRegistry.OfKind("encoding").ToList();
        Assert.NotEmpty(encodings);
        foreach (var entry in encodings)
        {
            var encoding = ComponentBuilders.BuildEncoding((EncodingConfig)entry.Example(), 2);
            using var features = encoding.forward(rand(5, 2) * 2 - 1);
            Assert.Equal([5L, encoding.OutputDims], features.shape);
        }
        foreach (var activation in ComponentRegistry.OfKind("activation"))
            foreach (var network in ComponentRegistry.OfKind("network"))
                foreach (var head in ComponentRegistry.OfKind("head"))
                {
                    var net = WithActivation((NetworkConfig)network.Example(), (ActivationConfig)activation.Example());
                    var config = new FieldConfig { Encoding = new PositionalEncodingConfig { Octaves = 2 }, Network = net, Head = (HeadConfig)head.Example() };
                    var model = new FieldModel(config, info);
                    using var raw = model.forward(zeros(6, 2));
                    Assert.Equal([6L, model.Head.RawOutputs], raw.shape);
                    using var values = model.Predict(zeros(6, 2));
                    Assert.Equal([6L, 3L], values.shape);
                }
        foreach (var name in Presets.Names)
        {
            var model = new FieldModel(Presets.Load(name), info);
            Assert.True(model.ParameterCount > 0);
        }
    }

    /// <summary>The network with this hidden activation; networks without one (poly) are returned as they are.</summary>
    private static NetworkConfig WithActivation(NetworkConfig network, ActivationConfig activation) => network switch
    {
        MlpConfig mlp => mlp with { Activation = activation },
        ProgressiveConfig progressive => progressive with { Activation = activation },
        _ => network,
    };

    [Fact]
    public void Presets_are_the_ones_the_issue_names()
    {
        Assert.Superset(new HashSet<string> { "relu", "relu-pe", "relu-rff", "siren" }, Presets.Names.ToHashSet());
        var error = Assert.Throws<ConfigException>(() => Presets.Load("nope"));
        Assert.Contains("unknown preset 'nope'", error.Message);
    }
}
