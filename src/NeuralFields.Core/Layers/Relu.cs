using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>ReLU with PyTorch's default linear initialisation.</summary>
[Computes(typeof(ReluActivationConfig))]
public sealed class Relu : Activation
{
    /// <summary>ReLU takes no settings; the layer index is the activations' common constructor shape.</summary>
    public Relu(ReluActivationConfig config, int layer) : base("relu")
    {
    }

    public override Tensor forward(Tensor input) => nn.functional.relu(input);

    public override void InitializeIncoming(Tensor weight, Tensor bias, bool isFirstLayer) => DefaultLinearInit(weight, bias);

    public override void InitializeOutput(Tensor weight, Tensor bias) => DefaultLinearInit(weight, bias);
}
