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
        ShiftedGaussianConfig c => new ShiftedGaussian(c, inputDims),
        ShiftedTriangleConfig c => new ShiftedTriangle(c, inputDims),
        LearnableFourierConfig c => new LearnableFourierFeatures(c, inputDims),
        QuantizedEncodingConfig c => new QuantizedEncoding(c, inputDims, BuildEncoding(c.Inner, inputDims)),
        HashGridConfig c => new HashGridEncoding(c, inputDims),
        _ => throw Unbuildable(config),
    };

    /// <summary>The activation of hidden layer <paramref name="layer"/> (0 = the first).</summary>
    public static Activation BuildActivation(ActivationConfig config, int layer) => config switch
    {
        ReluActivationConfig => new Relu(),
        SineActivationConfig c => new Sine(layer == 0 ? c.FirstOmega0 : c.Omega0, c.Omega0),
        SpderActivationConfig c => new Spder(layer == 0 ? c.FirstOmega0 : c.Omega0, c.Omega0, c.Damping),
        _ => throw Unbuildable(config),
    };

    public static TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> BuildNetwork(
        NetworkConfig config, int inputs, int outputs) => config switch
    {
        MlpConfig c => new Mlp(inputs, outputs, c.HiddenLayers, c.Width, layer => BuildActivation(c.Activation, layer)),
        ProgressiveConfig c => new ProgressiveNetwork(c, inputs, outputs, layer => BuildActivation(c.Activation, layer)),
        PolyConfig c => new PolyNetwork(c, inputs, outputs),
        _ => throw Unbuildable(config),
    };

    /// <summary>The head for a signal; bit-plane heads take its channels and bit depth.</summary>
    public static Head BuildHead(HeadConfig config, SignalInfo signal) => config switch
    {
        LinearHeadConfig c => new LinearHead(c),
        SigmoidHeadConfig c => new SigmoidHead(c),
        BitPlaneHeadConfig c => new BitPlaneHead(c, signal.Channels, signal.BitDepth),
        BitPlaneCoordinateHeadConfig c => new BitPlaneHead(c, signal.Channels, signal.BitDepth),
        _ => throw Unbuildable(config),
    };

    private static ConfigException Unbuildable(ComponentConfig config) =>
        new($"{ComponentRegistry.Describe(config).Name} cannot be built in this position");
}
