using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Codec.Quantization;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Compression;

/// <summary>
/// How to make one neural file: the model config, training steps, quantisation (bit width, granularity,
/// quantisation-aware steps) and whether to add the residual that makes it lossless.
/// </summary>
public sealed record CompressionOptions(FieldConfig Config)
{
    /// <summary>Training steps; null uses the config's training.steps.</summary>
    public int? Steps { get; init; }

    public int Bits { get; init; } = 8;

    public QuantizationGranularity Granularity { get; init; } = QuantizationGranularity.Tensor;

    /// <summary>Quantisation-aware fine-tuning steps after training; null picks <see cref="DefaultQatSteps"/>.</summary>
    public int? QatSteps { get; init; }

    /// <summary>Learning rate of the fine-tuning, as a multiple of training.learning_rate.</summary>
    public double QatLearningRateScale { get; init; } = 0.3;

    public bool Lossless { get; init; }

    public long Seed { get; init; }

    public QuantizationPlan Plan => new(Bits, Granularity);

    public int TrainingSteps => Steps ?? Config.Training.Steps;

    /// <summary>None at 8 bits and above (rounding costs little there); a fifth of the training steps below.</summary>
    public int DefaultQatSteps => Bits >= 8 ? 0 : Math.Max(1, TrainingSteps / 5);

    public void Validate()
    {
        if (Bits is < Decoder.NeuralFileFormat.MinBits or > Decoder.NeuralFileFormat.MaxBits)
            throw new NeuralFieldsException($"--bits must be between {Decoder.NeuralFileFormat.MinBits} and {Decoder.NeuralFileFormat.MaxBits}, got {Bits}");
        if (Steps is < 1) throw new NeuralFieldsException($"--steps must be positive, got {Steps}");
        if (QatSteps is < 0) throw new NeuralFieldsException($"--qat-steps must not be negative, got {QatSteps}");
        Decoder.Inference.ModelLayout.RequireSupported(Config);
        if (Config.Encoding is Schema.Components.LatentGridConfig)
            throw new NeuralFieldsException("latent-grid models are made by the latent codec (nf compress IMAGE, one image at a time), not by the coordinate-network compressor");
    }
}
