using NeuralFields.Core.Encodings;
using NeuralFields.Core.Heads;
using NeuralFields.Core.Layers;
using NeuralFields.Core.Networks;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Models;

/// <summary>
/// Builds the TorchSharp module for each registered config type. Every entry of
/// <see cref="ComponentRegistry"/> of kind encoding, activation, network or head has a case here
/// (a test iterates the registry to keep it so).
/// </summary>
public static class ComponentBuilders
{
    public static Encoding BuildEncoding(EncodingConfig config, int inputDims) => config switch
    {
        IdentityEncodingConfig c => new IdentityEncoding(c, inputDims),
        PositionalEncodingConfig c => new PositionalEncoding(c, inputDims),
        GaussianFourierConfig c => new GaussianFourierFeatures(c, inputDims),
        _ => throw Unbuildable(config),
    };

    /// <summary>The activation of hidden layer <paramref name="layer"/> (0 = the first).</summary>
    public static Activation BuildActivation(ActivationConfig config, int layer) => config switch
    {
        ReluActivationConfig => new Relu(),
        SineActivationConfig c => new Sine(layer == 0 ? c.FirstOmega0 : c.Omega0, c.Omega0),
        _ => throw Unbuildable(config),
    };

    public static TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> BuildNetwork(
        NetworkConfig config, int inputs, int outputs) => config switch
    {
        MlpConfig c => new Mlp(inputs, outputs, c.HiddenLayers, c.Width, layer => BuildActivation(c.Activation, layer)),
        _ => throw Unbuildable(config),
    };

    public static Head BuildHead(HeadConfig config) => config switch
    {
        LinearHeadConfig c => new LinearHead(c),
        SigmoidHeadConfig c => new SigmoidHead(c),
        _ => throw Unbuildable(config),
    };

    private static ConfigException Unbuildable(ComponentConfig config) =>
        new($"{ComponentRegistry.Describe(config).Name} cannot be built in this position");
}
