using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Core.Training.Samples;

namespace NeuralFields.Fitting;

/// <summary>
/// A model trained on coordinate/value pairs: the step every fit shares (seed, build or resume the model, train).
/// <see cref="FieldFit"/> runs it for whole signals; neural files and restoration experiments call it directly.
/// Owns the trainer and the training tensors until disposed.
/// </summary>
public sealed class FieldTraining : IDisposable
{
    private readonly ITrainingSamples _samples;

    private FieldTraining(Trainer trainer, TrainingOutcome outcome, long seed, ITrainingSamples samples)
    {
        Trainer = trainer;
        Outcome = outcome;
        Seed = seed;
        _samples = samples;
    }

    public FieldModel Model => Trainer.Model;

    public Trainer Trainer { get; }

    public TrainingOutcome Outcome { get; }

    public long Seed { get; }

    /// <summary>
    /// Seeds (with the resumed run's seed when resuming), builds <paramref name="config"/>'s model for
    /// <paramref name="signal"/> or takes the resumed one, and trains it on <paramref name="samples"/> (which it then
    /// owns) for the options' steps, time budget, target PSNR or exactness. Interruption throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static FieldTraining Run(FieldConfig config, SignalInfo signal, ITrainingSamples samples, FitOptions options,
        ITrainingObserver? observer = null, CancellationToken cancel = default) =>
        Run(config, signal, samples, options, lastMeasuredByCaller: false, observer, cancel);

    /// <summary>As above; with <paramref name="lastMeasuredByCaller"/> the last weights are not measured on every sample here: the caller does it and records it (<see cref="Trainer.RecordFinalPsnr"/>).</summary>
    internal static FieldTraining Run(FieldConfig config, SignalInfo signal, ITrainingSamples samples, FitOptions options,
        bool lastMeasuredByCaller, ITrainingObserver? observer, CancellationToken cancel)
    {
        try
        {
            return Train(config, signal, samples, options, lastMeasuredByCaller, observer, cancel);
        }
        catch
        {
            samples.Dispose();
            throw;
        }
    }

    private static FieldTraining Train(FieldConfig config, SignalInfo signal, ITrainingSamples samples, FitOptions options,
        bool lastMeasuredByCaller, ITrainingObserver? observer, CancellationToken cancel)
    {
        Torch.EnsureLoaded();
        var resumed = options.Resume;
        if (resumed is not null && !resumed.Model.Signal.Equals(signal))
            throw new NeuralFieldsException($"the checkpoint was trained on {Describe(resumed.Model.Signal)}, not {Describe(signal)}");
        long seed = resumed?.Seed ?? options.Seed;
        Torch.Seed(seed);
        var model = resumed?.Model ?? new FieldModel(config, signal);
        var trainer = new Trainer(model, samples, seed, options.Trainer);
        try
        {
            if (resumed is not null)
            {
                trainer.Optimizer.Restore(resumed.AdamStep, resumed.AdamMoments);
                trainer.RestoreProgress(resumed.Curve, resumed.Seconds, resumed.BitErrors);
            }
            var run = new TrainingRun(options.Steps ?? model.Config.Training.Steps)
            {
                TargetPsnr = options.TargetPsnr,
                UntilLossless = options.Lossless,
                TimeBudget = options.TimeBudget,
                LastMeasuredByCaller = lastMeasuredByCaller,
            };
            var outcome = trainer.Run(run, observer, cancel);
            cancel.ThrowIfCancellationRequested();
            return new FieldTraining(trainer, outcome, seed, samples);
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>"a 192x128 3-channel 8-bit image", for messages.</summary>
    public static string Describe(SignalInfo s) => $"a {string.Join("x", s.Dimensions.Reverse())} {s.Channels}-channel {s.BitDepth}-bit {s.Modality}";

    public void Dispose()
    {
        Trainer.Dispose();
        _samples.Dispose();
    }
}
