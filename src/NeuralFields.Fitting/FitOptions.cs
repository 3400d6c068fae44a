using NeuralFields.Backends;
using NeuralFields.Core.Training;

namespace NeuralFields.Fitting;

/// <summary>How to fit, beyond the signal and the model config: how long, which results end the run, where to render.</summary>
public sealed record FitOptions
{
    /// <summary>Training steps in all; null takes the config's training.steps.</summary>
    public int? Steps { get; init; }

    /// <summary>Stop as soon as the full-signal PSNR reaches this many dB.</summary>
    public double? TargetPsnr { get; init; }

    /// <summary>Seconds of training in all; the learning-rate schedule follows whichever of steps and time ends first.</summary>
    public double? TimeBudget { get; init; }

    /// <summary>Bytes the run may use; null takes <see cref="MemoryBudget.Default"/> (a share of the memory available now).</summary>
    public long? MemoryBudget { get; init; }

    /// <summary>Seeds initialisation, random bases and mini-batches.</summary>
    public long Seed { get; init; }

    /// <summary>Train until every sample decodes exactly (a bit-plane head is needed), or the steps run out.</summary>
    public bool Lossless { get; init; }

    /// <summary>Continue this checkpoint's run (its model, seed, moments and curve) up to <see cref="Steps"/> in all.</summary>
    public Checkpoint.Contents? Resume { get; init; }

    /// <summary>Where the final reconstruction of an image is rendered; training always runs on the CPU.</summary>
    public AcceleratorChoice Accelerator { get; init; } = AcceleratorChoice.Torch;

    /// <summary>What the one training loop adds for this run: step hooks, extra loss terms, a learning-rate scale (codecs use them).</summary>
    public TrainerOptions? Trainer { get; init; }

    /// <summary>The model's name in metrics and plots (a preset name or a config file).</summary>
    public string ConfigName { get; init; } = "config";
}
