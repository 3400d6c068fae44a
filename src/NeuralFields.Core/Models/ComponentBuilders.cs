using NeuralFields.Core.Encodings;
using NeuralFields.Core.Heads;
using NeuralFields.Core.Layers;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Models;

/// <summary>
/// Builds the TorchSharp module of a component config: the classes of this assembly marked
/// [<see cref="ComputesAttribute"/>] for its type, one per component, constructed from the config and
/// the widths around it. A registry-driven test checks every registered component has one.
/// </summary>
public static class ComponentBuilders
{
    private static readonly ImplementationCatalog<Encoding> Encodings = new(typeof(Encoding).Assembly, Backend.Torch, typeof(EncodingConfig));
    private static readonly ImplementationCatalog<Activation> Activations = new(typeof(Activation).Assembly, Backend.Torch, typeof(ActivationConfig));
    private static readonly ImplementationCatalog<nn.Module<Tensor, Tensor>> Networks = new(typeof(Encoding).Assembly, Backend.Torch, typeof(NetworkConfig));
    private static readonly ImplementationCatalog<Head> Heads = new(typeof(Head).Assembly, Backend.Torch, typeof(HeadConfig));

    /// <summary>Every config type with a TorchSharp module, for the registry-driven tests.</summary>
    public static IEnumerable<Type> ImplementedTypes =>
        Encodings.ConfigTypes.Concat(Activations.ConfigTypes).Concat(Networks.ConfigTypes).Concat(Heads.ConfigTypes).Distinct();

    public static Encoding BuildEncoding(EncodingConfig config, int inputDims) => Encodings.Create(config, inputDims);

    /// <summary>The activation of hidden layer <paramref name="layer"/> (0 = the first).</summary>
    public static Activation BuildActivation(ActivationConfig config, int layer) => Activations.Create(config, layer);

    public static nn.Module<Tensor, Tensor> BuildNetwork(NetworkConfig config, int inputs, int outputs) => Networks.Create(config, inputs, outputs);

    /// <summary>The head for a signal of <paramref name="channels"/> channels of <paramref name="bitDepth"/>-bit samples.</summary>
    public static Head BuildHead(HeadConfig config, int channels, int bitDepth) => Heads.Create(config, channels, bitDepth);
}
