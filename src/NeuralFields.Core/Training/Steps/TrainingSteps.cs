using NeuralFields.Core.Models;
using NeuralFields.Core.Training.Fused;
using NeuralFields.Schema;

namespace NeuralFields.Core.Training.Steps;

/// <summary>Chooses the step implementation for a model: the one place a new backend of the training step is added.</summary>
public static class TrainingSteps
{
    /// <param name="implementation">training.implementation: "torch", "fused" or "auto" (fused where it computes the model).</param>
    public static ITrainingStep Create(FieldModel model, Adam adam, IReadOnlyList<ILossTerm> lossTerms, string implementation = "auto")
    {
        if (implementation is not ("torch" or "fused" or "auto"))
            throw new ConfigException($"training.implementation must be \"torch\", \"fused\" or \"auto\", got \"{implementation}\"");
        if (implementation == "torch") return new TorchTrainingStep(model, adam, lossTerms);
        if (FusedCanRun(model, lossTerms, out var reason)) return new FusedTrainingStep(model, adam);
        // An encoding the fused step does not compute may still feed its network (latent grids).
        if (FusedSynthesisStep.Suits(model)) return new FusedSynthesisStep(model, adam, lossTerms);
        if (implementation == "fused") throw new ConfigException($"training.implementation \"fused\": {reason}; use \"torch\" or \"auto\"");
        return new TorchTrainingStep(model, adam, lossTerms);
    }

    /// <summary>True when the fused step computes <paramref name="model"/> with these loss terms; otherwise <paramref name="reason"/> says why not.</summary>
    public static bool FusedCanRun(FieldModel model, IReadOnlyList<ILossTerm> lossTerms, out string reason)
    {
        if (lossTerms.Count > 0)
        {
            reason = "the fused training step differentiates the head's loss only, and this run adds loss terms";
            return false;
        }
        return FusedNetwork.Supports(model.Config, out reason);
    }
}
