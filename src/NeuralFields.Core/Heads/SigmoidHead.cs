using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Heads;

/// <summary>Sigmoid output, always inside [0,1].</summary>
[Computes(typeof(SigmoidHeadConfig))]
public sealed class SigmoidHead(SigmoidHeadConfig config, int channels, int bitDepth) : Head(config, channels, bitDepth)
{
    public override Tensor Values(Tensor raw) => raw.sigmoid();
}
