namespace NeuralFields.Core.Training;

/// <summary>
/// When a run measures what: full-batch runs read PSNR and bits off the step's own outputs (free), every
/// training.eval_every steps; mini-batch runs predict the signal at those steps and at the last one.
/// </summary>
internal sealed class EvaluationSchedule(int every, bool fullBatch, bool lossIsMse, TrainingRun run)
{
    /// <summary>Samples of the fixed subset a mini-batch run measures between full evaluations.</summary>
    public const int SubsetSize = 65536;

    public bool FullBatch => fullBatch;

    /// <summary>Full batch: the bits of the weights before update <paramref name="step"/> come with its outputs.</summary>
    public bool ChecksBitsOnOutputs(int step) => fullBatch && step % every == 0;

    /// <summary>Full batch, loss not an MSE (bit planes): the value PSNR is read off the outputs at the end of each interval.</summary>
    public bool MeasuresPsnrOnOutputs(int step) => fullBatch && !lossIsMse && (step + 1 == run.StopAt || (step + 1) % every == 0);

    /// <summary>After <paramref name="done"/> steps: an interval ended, the run ended, or a target PSNR is watched for free.</summary>
    public bool EvaluatesAfter(int done, bool last) =>
        last || done % every == 0 || (run.TargetPsnr.HasValue && fullBatch && lossIsMse);
}
