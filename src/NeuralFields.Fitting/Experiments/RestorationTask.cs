using NeuralFields.Fitting.Restoration;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// What an experiment restores: how a full image becomes a degraded input for each setting, which
/// classic baselines answer it, and how a preset's field answers it.
/// </summary>
public abstract class RestorationTask
{
    /// <summary>superres or inpaint: the subcommand and the default output folder.</summary>
    public abstract string Name { get; }

    public abstract string Title { get; }

    public abstract IReadOnlyList<ExperimentSetting> Settings { get; }

    /// <summary>The classic methods, in table order.</summary>
    public abstract IReadOnlyList<string> Baselines { get; }

    /// <summary>The baseline the presets are measured against in the summary.</summary>
    public abstract string Reference { get; }

    /// <summary>Inpainting also scores the missing pixels alone; the summary ranks by that score when there is one.</summary>
    public abstract bool ScoresMissing { get; }

    public abstract ExperimentCase Prepare(ExperimentImage image, ExperimentSetting setting, long seed);

    public abstract ImageSignal RunBaseline(string baseline, ExperimentCase c);

    public abstract RestorationResult RunPreset(FieldConfig config, int? steps, long seed, ExperimentCase c, ITrainingObserver observer, CancellationToken cancel);
}
