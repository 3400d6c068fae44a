using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Heads;

/// <summary>Sigmoid output, always inside [0,1].</summary>
public sealed class SigmoidHead(SigmoidHeadConfig config) : Head
{
    public override HeadConfig Config => config;

    public override Tensor Values(Tensor raw) => raw.sigmoid();
}
