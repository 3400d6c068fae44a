using NeuralFields.Cli.Output;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Jobs;

/// <summary>Shows progress for a run of <c>total</c> steps around the work it is given (the CLI's console bar, or nothing).</summary>
internal delegate TrainingOutcome ProgressDisplay(int total, Func<ITrainingObserver, TrainingOutcome> work);

/// <summary>
/// The part every `nf fit` job shares once its signal is a set of coordinates and target values:
/// seed, build the model, train with progress, and save model.ckpt and curve.png.
/// </summary>
internal sealed class FitRun : IDisposable
{
    private FitRun(FieldModel model, Trainer trainer, TrainingOutcome outcome, long seed) =>
        (Model, Trainer, Outcome, Seed) = (model, trainer, outcome, seed);

    public FieldModel Model { get; }
    public Trainer Trainer { get; }
    public TrainingOutcome Outcome { get; }
    public long Seed { get; }

    public static FitRun Train(FieldConfig config, SignalInfo signal, Tensor coordinates, Tensor targets, long seed, int? steps,
        double? targetPsnr, ProgressDisplay? progress, CancellationToken cancel, bool untilLossless = false)
    {
        Torch.EnsureLoaded();
        Torch.Seed(seed);
        var model = new FieldModel(config, signal);
        var trainer = new Trainer(model, coordinates, targets, seed);
        int total = steps ?? config.Training.Steps;
        var run = new TrainingRun(total) { TargetPsnr = targetPsnr, UntilLossless = untilLossless };
        var outcome = progress is null
            ? trainer.Run(run, null, cancel)
            : progress(total, observer => trainer.Run(run, observer, cancel));
        cancel.ThrowIfCancellationRequested();
        return new FitRun(model, trainer, outcome, seed);
    }

    /// <summary>Writes model.ckpt and curve.png into the staging folder.</summary>
    public void SaveCheckpointAndCurve(StagingDirectory staging, string title, string yLabel = "PSNR (dB)")
    {
        Checkpoint.Save(staging.PathOf("model.ckpt"), Trainer, Seed);
        var curve = Trainer.Curve;
        Plots.Lines(staging.PathOf("curve.png"), title, "step", yLabel,
            [new Plots.Series(title, curve.Select(c => (double)c.Step).ToArray(), curve.Select(c => c.Psnr).ToArray())]);
    }

    public void Dispose() => Trainer.Dispose();
}
