namespace NeuralFields.Core.Training.Steps;

/// <summary>
/// Changes what a step trains without a second loop: quantisation-aware training swaps in quantised weights
/// for the forward and backward pass and restores the float weights before the update; a codec adds noise
/// to its latents. Called by the <see cref="Trainer"/> around every <see cref="ITrainingStep.Compute"/>.
/// </summary>
public interface IStepHook
{
    /// <summary>Before the forward pass of step <paramref name="stepIndex"/> (0-based over the whole run).</summary>
    void BeforeCompute(int stepIndex) { }

    /// <summary>After the gradients of step <paramref name="stepIndex"/> exist, before the optimiser uses them; <paramref name="loss"/> is that step's.</summary>
    void AfterCompute(int stepIndex, double loss) { }

    /// <summary>When the run stops, for whatever reason (e.g. put back the best weights seen).</summary>
    void AfterRun() { }
}
