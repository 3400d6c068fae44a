using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>
/// A periodic activation of ω0 z initialised as SIREN (Sitzmann et al. 2020): the first layer
/// W ~ U(-1/n, 1/n); every later layer, the output layer included, W ~ U(±√(6/n)/ω0); biases keep
/// PyTorch's U(±1/√n). Sine and SPDER share these rules.
/// </summary>
public abstract class SirenActivation(string name, double omega0, double hiddenOmega0) : Activation(name)
{
    /// <summary>ω0 of the layer this activation ends.</summary>
    public double Omega0 { get; } = omega0;

    public override void InitializeIncoming(Tensor weight, Tensor bias, bool isFirstLayer)
    {
        double n = weight.shape[1];
        double bound = isFirstLayer ? 1.0 / n : Math.Sqrt(6.0 / n) / Omega0;
        Initialize(weight, bias, bound);
    }

    public override void InitializeOutput(Tensor weight, Tensor bias) =>
        Initialize(weight, bias, Math.Sqrt(6.0 / weight.shape[1]) / hiddenOmega0);

    private static void Initialize(Tensor weight, Tensor bias, double weightBound)
    {
        using var _ = no_grad();
        weight.uniform_(-weightBound, weightBound);
        double biasBound = 1.0 / Math.Sqrt(weight.shape[1]);
        bias.uniform_(-biasBound, biasBound);
    }
}
