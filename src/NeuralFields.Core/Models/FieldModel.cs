using NeuralFields.Core.Encodings;
using NeuralFields.Core.Heads;
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
        Config = config;
        Signal = signal;
        encoding = ComponentBuilders.BuildEncoding(config.Encoding, signal.CoordinateDims);
        Head = ComponentBuilders.BuildHead(config.Head);
        network = ComponentBuilders.BuildNetwork(config.Network, encoding.OutputDims, Head.RawOutputs(signal.Channels, signal.BitDepth));
        RegisterComponents();
    }

    public FieldConfig Config { get; }

    public SignalInfo Signal { get; }

    public Head Head { get; }

    public Encoding Encoding => encoding;

    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Raw network outputs for coordinates [N, dims].</summary>
    public override Tensor forward(Tensor coordinates)
    {
        using var features = encoding.forward(coordinates);
        return network.forward(features);
    }

    /// <summary>Signal values in [0,1], [N, channels], evaluated in chunks without gradients.</summary>
    public Tensor Predict(Tensor coordinates, int chunk = 65536)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (long start = 0; start < coordinates.shape[0]; start += chunk)
        {
            long length = Math.Min(chunk, coordinates.shape[0] - start);
            using var raw = forward(coordinates.narrow(0, start, length));
            parts.Add(Head.Values(raw));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }
}
