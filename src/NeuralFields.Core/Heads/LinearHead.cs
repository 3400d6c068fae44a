using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Heads;

/// <summary>Linear output; centred: the network predicts 2v - 1, as SIREN does.</summary>
[Computes(typeof(LinearHeadConfig))]
public sealed class LinearHead(LinearHeadConfig config, int channels, int bitDepth) : Head(config, channels, bitDepth)
{
    public override Tensor Values(Tensor raw) => config.Centered ? raw.add(1).mul_(0.5) : raw.alias();
}
