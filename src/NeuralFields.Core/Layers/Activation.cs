using TorchSharp;
using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>
/// A hidden-layer nonlinearity that also owns how the linear layers around it are initialised
/// (SIREN's rules live with the sine, not in the network).
/// </summary>
public abstract class Activation(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>Initialises the linear layer that feeds this activation (weights [out, in]).</summary>
    public abstract void InitializeIncoming(Tensor weight, Tensor bias, bool isFirstLayer);

    /// <summary>Initialises the network's final linear layer when this activation precedes it.</summary>
    public abstract void InitializeOutput(Tensor weight, Tensor bias);

    /// <summary>PyTorch's nn.Linear default: W, b ~ U(±1/√fan_in).</summary>
    protected static void DefaultLinearInit(Tensor weight, Tensor bias)
    {
        double bound = 1.0 / Math.Sqrt(weight.shape[1]);
        using var _ = no_grad();
        weight.uniform_(-bound, bound);
        bias.uniform_(-bound, bound);
    }
}
