using NeuralFields.Core.Models;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Steps;

/// <summary>The reference step: the model's TorchSharp forward pass, the head's loss (plus loss terms), autograd, Adam.</summary>
public sealed class TorchTrainingStep(FieldModel model, Adam adam, IReadOnlyList<ILossTerm>? lossTerms = null) : ITrainingStep
{
    private readonly IReadOnlyList<ILossTerm> _lossTerms = lossTerms ?? [];

    public StepResult Compute(Tensor coordinates, Tensor targets, bool backward, bool keepOutputs)
    {
        adam.ZeroGrad();
        using var scope = NewDisposeScope();
        var raw = model.forward(coordinates);
        var loss = model.Head.Loss(raw, targets);
        foreach (var term in _lossTerms)
            loss = loss + term.Compute(model);
        if (backward) loss.backward();
        double value = loss.item<float>();
        return new StepResult(value, keepOutputs ? raw.detach().MoveToOuterDisposeScope() : null);
    }

    public void Update(double learningRate) => adam.Update(learningRate);

    public void Dispose() { }
}
