using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// How to make one latent-grid file: the model (a config whose encoding is latent_grid; its resolution is set from
/// the image; its post_filter, if any, is the largest the codec may fit to an image after training), the
/// rate-distortion trade-off λ (loss = MSE + λ·bpp) and how long to train.
/// </summary>
public sealed record LatentOptions(FieldConfig Config)
{
    public double Lambda { get; init; } = 1e-3;

    /// <summary>Training steps; null uses the config's training.steps.</summary>
    public int? Steps { get; init; }

    /// <summary>Seconds of training; the schedule and the switch to straight-through rounding follow it when it ends first.</summary>
    public double? TimeBudget { get; init; }

    public long Seed { get; init; }

    /// <summary>How each step covers the image (<see cref="LatentMemory.Plan"/> picks it for the memory budget); full by default.</summary>
    public LatentBatching Batching { get; init; } = LatentBatching.Full;

    // Measured on kodim03's 256x256 centre crop, 600 steps, λ 1e-2 / 1e-3 (bpp, dB):
    //   plain noise, last 20% straight-through: 0.269 28.40 / 0.921 32.69
    //   soft rounding, last 20%:                0.256 28.51 / 0.780 32.60
    //   plain noise, last 5%:                   0.236 28.59 / 0.712 32.79
    //   soft rounding, last 5% (the default):   0.218 28.72 / 0.606 32.97
    //   plain noise, last 1%:                   0.238 28.16 / 0.724 32.59

    /// <summary>The last part of the run trains with rounded latents (straight-through gradients) instead of noise.</summary>
    public double StraightThroughFraction { get; init; } = 0.05;

    /// <summary>
    /// Soft rounding's sharpness α over the noise phase (from, to), temperature 0.3 to 0.1 as C3 anneals it; null
    /// trains with plain additive noise.
    /// </summary>
    public (double From, double To)? SoftRounding { get; init; } = (1 / 0.3, 1 / 0.1);

    public int TrainingSteps => Steps ?? Config.Training.Steps;

    /// <summary>λ for a quality from 1 (smallest files) to 100 (best): log10 λ falls linearly from −1.5 to −4.5, so files grow with quality.</summary>
    public static double LambdaForQuality(int quality)
    {
        if (quality is < 1 or > 100) throw new NeuralFieldsException($"--quality must be between 1 and 100, got {quality}");
        return Math.Pow(10, -1.5 - 3.0 * (quality - 1) / 99);
    }

    public void Validate()
    {
        if (Config.Encoding is not LatentGridConfig)
            throw new NeuralFieldsException("a latent-grid codec needs a config whose encoding is latent_grid");
        if (Config.Network is not MlpConfig { Activation: ReluActivationConfig })
            throw new NeuralFieldsException("the latent-grid codec's synthesis network must be a ReLU mlp");
        if (!(Lambda > 0 && Lambda < 10)) throw new NeuralFieldsException($"--lambda must be a positive number below 10, got {Lambda}");
        if (Steps is < 1) throw new NeuralFieldsException($"--steps must be positive, got {Steps}");
        if (TimeBudget is double t && !(t > 0 && t < 1e7)) throw new NeuralFieldsException($"--time must be a positive number of seconds, got {t}");
        Decoder.Inference.ModelLayout.RequireSupported(Config);
    }
}
