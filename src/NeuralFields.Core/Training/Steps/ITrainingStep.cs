using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Steps;

/// <summary>What one step computed: the loss of the weights before the update, and the raw outputs when asked for.</summary>
/// <param name="Loss">The head's loss on the batch (plus any loss terms), as a number.</param>
/// <param name="Outputs">The head's raw outputs [batch, raw] when requested (the caller disposes them), else null.</param>
public readonly record struct StepResult(double Loss, Tensor? Outputs);

/// <summary>
/// The arithmetic of one optimisation step on one batch, behind the <see cref="Trainer"/>'s single loop.
/// <see cref="TorchTrainingStep"/> (TorchSharp autograd) is the reference; other implementations (a fused
/// CPU step) compute the same quantities on the same parameter tensors and the same <see cref="Adam"/>
/// moments, so checkpoints, resumes and exports do not depend on which step trained the model.
/// </summary>
public interface ITrainingStep : IDisposable
{
    /// <summary>
    /// Forward pass and loss of the current weights on one batch (coordinates [batch, dims], targets
    /// [batch, channels] in [0,1]); with <paramref name="backward"/>, also every trained parameter's gradient,
    /// held until <see cref="Update"/>.
    /// </summary>
    StepResult Compute(Tensor coordinates, Tensor targets, bool backward, bool keepOutputs);

    /// <summary>Applies Adam at <paramref name="learningRate"/> to the gradients of the last <see cref="Compute"/>, then drops them.</summary>
    void Update(double learningRate);
}
