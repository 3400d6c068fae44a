using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>Shifted Gaussians exp(−(t − c)²/(2σ²)) (see <see cref="ShiftedBasis"/>).</summary>
[Computes(typeof(ShiftedGaussianConfig))]
public sealed class ShiftedGaussian : ShiftedBasis
{
    private readonly double _inverseTwoSigmaSquared;

    public ShiftedGaussian(ShiftedGaussianConfig config, int inputDims) : base("shifted_gaussian", config, inputDims)
    {
        _inverseTwoSigmaSquared = 1.0 / (2 * config.Sigma * config.Sigma);
        RegisterComponents();
    }

    protected override Tensor Basis(Tensor offsets) => offsets.square().mul_(-_inverseTwoSigmaSquared).exp_();
}
