using NeuralFields.Core.Models;

namespace NeuralFields.Core.Training.Steps;

/// <summary>Chooses the step implementation for a model: the one place a new backend of the training step is added.</summary>
public static class TrainingSteps
{
    public static ITrainingStep Create(FieldModel model, Adam adam, IReadOnlyList<ILossTerm> lossTerms) =>
        new TorchTrainingStep(model, adam, lossTerms);
}
