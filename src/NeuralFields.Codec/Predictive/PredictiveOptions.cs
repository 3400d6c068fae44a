using NeuralFields.Schema;

namespace NeuralFields.Codec.Predictive;

/// <summary>
/// How a predictive lossless file is made: the per-plane network's size, the training steps and batch, the samples
/// trained on, and the seed. The defaults are the measured trade-off of docs/format.md §10 and the README.
/// </summary>
public sealed record PredictiveOptions
{
    public int HiddenLayers { get; init; } = 2;

    public int Width { get; init; } = 16;

    public int Steps { get; init; } = 4000;

    public int BatchSize { get; init; } = 4096;

    public double LearningRate { get; init; } = 5e-3;

    /// <summary>At most this many samples per plane are drawn (at random, seeded) to train on.</summary>
    public int TrainingSamples { get; init; } = 100_000;

    /// <summary>False skips the network: the file is the best of the plain and stored modes.</summary>
    public bool Network { get; init; } = true;

    /// <summary>Train even when the plain stream is too small to repay a network's weights (tests of the network mode on tiny inputs).</summary>
    public bool AlwaysTrain { get; init; }

    public long Seed { get; init; }

    public void Validate()
    {
        if (HiddenLayers is < 0 or > Decoder.Predictive.PredictorShape.MaxHiddenLayers)
            throw new NeuralFieldsException($"the predictor's hidden layers must be 0-{Decoder.Predictive.PredictorShape.MaxHiddenLayers}, got {HiddenLayers}");
        if (Width is < 1 or > Decoder.Predictive.PredictorShape.MaxWidth)
            throw new NeuralFieldsException($"the predictor's width must be 1-{Decoder.Predictive.PredictorShape.MaxWidth}, got {Width}");
        if (Steps < 1) throw new NeuralFieldsException($"--steps must be positive, got {Steps}");
        if (BatchSize < 1 || TrainingSamples < 1 || !(LearningRate > 0)) throw new NeuralFieldsException("batch size, training samples and learning rate must be positive");
    }
}
