using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>ReLU with PyTorch's default linear initialisation.</summary>
public sealed class Relu() : Activation("relu")
{
    public override Tensor forward(Tensor input) => nn.functional.relu(input);

    public override void InitializeIncoming(Tensor weight, Tensor bias, bool isFirstLayer) => DefaultLinearInit(weight, bias);

    public override void InitializeOutput(Tensor weight, Tensor bias) => DefaultLinearInit(weight, bias);
}
