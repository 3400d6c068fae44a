using NeuralFields.Core.Encodings;
using NeuralFields.Core.Heads;
using NeuralFields.Core.Networks;
using NeuralFields.Schema;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralFields.Core.Models;

/// <summary>
/// A coordinate network that is the signal: encoding → network → head, built from one
/// <see cref="FieldConfig"/> for one <see cref="SignalInfo"/>. Widths come from the encoding and the head.
/// </summary>
public sealed class FieldModel : nn.Module<Tensor, Tensor>
{
    private readonly Encoding encoding;
    private readonly nn.Module<Tensor, Tensor> network;

    public FieldModel(FieldConfig config, SignalInfo signal) : base("field")
    {
        config = config with { PostFilter = null };                  // a codec fits it after training: the trained model has none
        Config = config;
        Signal = signal;
        Layout = FieldLayout.Of(config, signal);
        Head = ComponentBuilders.BuildHead(config.Head, signal.Channels, signal.BitDepth);
        encoding = ComponentBuilders.BuildEncoding(config.Encoding.ForSignal(signal.Dimensions), Layout.InputDims);
        network = ComponentBuilders.BuildNetwork(config.Network, Layout.EncodedDims, Layout.OutputsPerQuery);
        RegisterComponents();
        if (encoding.NeedsCalibration)
        {
            // The training grid is the signal's sample grid; a checkpoint's stored constants overwrite these.
            using var grid = tensor(SampleGrid.Coordinates(signal.Dimensions)).reshape(-1, signal.Dimensions.Length);
            Calibrate(grid);
        }
    }

    public FieldConfig Config { get; }

    /// <summary>Widths and tensors, as every backend reads them from the config.</summary>
    public FieldLayout Layout { get; }

    public SignalInfo Signal { get; }

    public Head Head { get; }

    public Encoding Encoding => encoding;

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Levels of detail the network can render on their own (progressive networks); 1 for the rest.</summary>
    public int Levels => network is ILevelledNetwork levelled ? levelled.Levels : 1;

    /// <summary>
    /// Fixes the encoding's training-grid constants (a shifted basis' normalisation) on these coordinates
    /// [N, dims]. The constructor does it on the signal's sample grid; call it again only to train on others.
    /// </summary>
    public void Calibrate(Tensor coordinates)
    {
        using var queries = Head.Queries(coordinates);
        encoding.Calibrate(queries);
    }

    /// <summary>
    /// Multiplier of training.learning_rate for a named parameter: the encoding's own rate (hash
    /// tables) relative to the base rate, 1 for everything else.
    /// </summary>
    public double LearningRateScale(string parameterName) =>
        parameterName.StartsWith(FieldLayout.EncodingPrefix + ".", StringComparison.Ordinal) && encoding.LearningRate is double own
            ? own / Config.Training.LearningRate
            : 1.0;

    /// <summary>Raw outputs [N, Head.RawOutputs] for coordinates [N, dims].</summary>
    public override Tensor forward(Tensor coordinates) => ForwardAtLevel(coordinates, null);

    /// <summary>Raw outputs of <paramref name="level"/> (1..<see cref="Levels"/>; null: the finest, the one training fits).</summary>
    public Tensor ForwardAtLevel(Tensor coordinates, int? level)
    {
        if (level is int k && (k < 1 || k > Levels))
            throw new ArgumentOutOfRangeException(nameof(level), $"level must be between 1 and {Levels}, got {k}");
        // Heads that query the network several times per sample (a bit coordinate) expand here, so callers never see it.
        using var queries = Head.Queries(coordinates);
        using var features = encoding.forward(queries);
        var output = level is int l && network is ILevelledNetwork levelled ? levelled.ForwardLevel(features, l) : network.forward(features);
        if (Head.QueriesPerSample == 1) return output;
        using (output) return output.reshape(coordinates.shape[0], -1);
    }

    /// <summary>Until disposed, predictions may share what the encoding computes once (<see cref="Encoding.HoldForPrediction"/>): parameters must not change meanwhile.</summary>
    public IDisposable? HoldForPrediction() => encoding.HoldForPrediction();

    /// <summary>Queries the network evaluates at a time when predicting (the last block is padded to it).</summary>
    public const int EvaluationBlock = 4096;

    /// <summary>
    /// Signal values in [0,1], [N, channels], without gradients, at <paramref name="level"/> of a progressive network
    /// (null: the finest). The network always runs on blocks of exactly <see cref="EvaluationBlock"/> queries (the
    /// last one padded), because matrix products round differently for different row counts: this way a sample's
    /// value does not depend on how many others are predicted with it, and chunked evaluations agree bit for bit.
    /// </summary>
    public Tensor Predict(Tensor coordinates, int? level = null)
    {
        using var _ = no_grad();
        using var held = HoldForPrediction();
        using var scope = NewDisposeScope();
        long n = coordinates.shape[0];
        long block = Math.Max(1, EvaluationBlock / Head.QueriesPerSample);
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += block)
        {
            // Each block's activations are freed before the next block runs: only its values outlive it
            // (a 26-million-sample clip through a 3x256 SIREN otherwise held every block's layers at once).
            using var blockScope = NewDisposeScope();
            long length = Math.Min(block, n - start);
            var x = coordinates.narrow(0, start, length);
            if (length < block)
                x = cat([x, x[^1..].expand(block - length, -1)], 0);
            using var raw = ForwardAtLevel(x, level);
            parts.Add(Head.Values(raw).narrow(0, 0, length).contiguous().MoveToOuterDisposeScope());
        }
        return (parts.Count == 1 ? parts[0] : cat(parts, 0)).MoveToOuterDisposeScope();
    }
}
