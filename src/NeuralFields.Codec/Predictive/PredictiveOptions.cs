using NeuralFields.Schema;

namespace NeuralFields.Codec.Predictive;

/// <summary>
/// How a predictive lossless file is made: the network sizes each plane may take, the training steps and batch, the
/// samples trained on, and the seed. The defaults are the measured trade-off of docs/format.md §10 and the README.
/// </summary>
public sealed record PredictiveOptions
{
    /// <summary>
    /// The sizes trained for every plane; each plane keeps the one its coded bits (samples and weights) say is
    /// smallest. 2×16 suits photographs, 3×32 synthetic renderings whose edges and faint contours a small network
    /// cannot follow; training both takes about 2.5 times as long as 2×16 alone.
    /// </summary>
    public IReadOnlyList<NetworkSize> Networks { get; init; } = [new(2, 16), new(3, 32)];

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
        if (Networks.Count == 0) throw new NeuralFieldsException("the predictor needs at least one network size");
        foreach (var (hidden, width) in Networks)
        {
            if (hidden is < 0 or > Decoder.Predictive.PredictorShape.MaxHiddenLayers)
                throw new NeuralFieldsException($"the predictor's hidden layers must be 0-{Decoder.Predictive.PredictorShape.MaxHiddenLayers}, got {hidden}");
            if (width is < 1 or > Decoder.Predictive.PredictorShape.MaxWidth)
                throw new NeuralFieldsException($"the predictor's width must be 1-{Decoder.Predictive.PredictorShape.MaxWidth}, got {width}");
        }
        if (Steps < 1) throw new NeuralFieldsException($"--steps must be positive, got {Steps}");
        if (BatchSize < 1 || TrainingSamples < 1 || !(LearningRate > 0)) throw new NeuralFieldsException("batch size, training samples and learning rate must be positive");
    }
}

/// <summary>A predictor network's size: <paramref name="HiddenLayers"/> ReLU layers of <paramref name="Width"/> units, plus the linear skip path.</summary>
public readonly record struct NetworkSize(int HiddenLayers, int Width)
{
    public override string ToString() => $"{HiddenLayers}x{Width}";
}
