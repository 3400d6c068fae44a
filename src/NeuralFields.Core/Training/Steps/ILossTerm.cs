using NeuralFields.Core.Models;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Steps;

/// <summary>
/// A term added to the head's loss at every step, computed from the model itself (a codec's rate: the bits
/// its entropy model gives the latents, times λ). Steps that cannot differentiate it refuse it at construction.
/// </summary>
public interface ILossTerm
{
    /// <summary>A scalar tensor with gradients to the model's parameters.</summary>
    Tensor Compute(FieldModel model);
}
