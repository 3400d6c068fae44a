using NeuralFields.Core.Models;
using NeuralFields.Schema;
using NeuralFields.Core.Training.Samples;

namespace NeuralFields.Fitting;

/// <summary>
/// A signal ready to be fitted: what the field is (<see cref="Info"/>), the coordinate/value pairs it trains on,
/// and how a fitted field becomes the signal's own form again, measured against the source. Each modality
/// (image, audio, volume, shape) is one source type; <see cref="FieldFit"/> is the same for all of them.
/// </summary>
public abstract class FitSource
{
    /// <summary>The signal the model is built for (grid, channels, bit depth).</summary>
    public abstract SignalInfo Info { get; }

    /// <summary>Where the signal came from (a full path), for metrics.</summary>
    public abstract string Origin { get; }

    /// <summary>Every file the source was read from (full paths): a run's outputs never replace one of them.</summary>
    public virtual IEnumerable<string> Inputs => [Origin];

    /// <summary>The key metrics.json names the source under ("image", "audio", "mesh", "volume").</summary>
    public abstract string OriginKey { get; }

    /// <summary>The label of plots and progress (the file name).</summary>
    public string Label => Path.GetFileName(Origin);

    /// <summary>Refuses a config or option this signal cannot be fitted with, before any work (one message).</summary>
    public virtual void Check(FieldConfig config, FitOptions options) { }

    /// <summary>How many coordinate/value pairs <see cref="TrainingSamples"/> holds (a grid's samples unless it draws points).</summary>
    public virtual long TrainingSampleCount => Info.SampleCount;

    /// <summary>Bytes <see cref="TrainingSamples"/> will hold, known before they are made (for the memory plan).</summary>
    public abstract long SampleBytes { get; }

    /// <summary>Bytes <see cref="Reconstruct"/> holds beside them (its output and what it measures with), for the memory plan.</summary>
    public virtual long ReconstructionBytes => 0;

    /// <summary>
    /// Whether <see cref="Reconstruct"/> evaluates the field on every training sample (grids: images, clips, volumes) and
    /// so gives <see cref="Reconstruction.FieldPsnr"/>; the trainer then leaves that last full measurement to it.
    /// </summary>
    public virtual bool ReconstructionMeasuresTrainingSamples => false;

    /// <summary>The coordinate/value pairs to train on (values in [0, 1]); <paramref name="seed"/> draws random points where there are any.</summary>
    public abstract ITrainingSamples TrainingSamples(long seed);

    /// <summary>The fitted field in the signal's own form, measured against this source.</summary>
    public abstract Reconstruction Reconstruct(FieldModel model, FitOptions options);
}
