using NeuralFields.Schema.Components;

namespace NeuralFields.Schema;

/// <summary>
/// A config's model for one signal, as every backend sees it: the coordinates per query, the encoding's
/// width, the network's outputs per query and every tensor the model holds, named as the TorchSharp
/// state_dict names them ("encoding.…", then "network.…", each component's tensors in its own order; then a
/// codec's post filter, "filter.…", which only the decoder computes).
/// Computed from the component configs alone, so TorchSharp, the kernels and the neural-file decoder agree
/// by construction.
/// </summary>
public sealed record FieldLayout(int InputDims, int EncodedDims, int OutputsPerQuery, int QueriesPerSample, IReadOnlyList<TensorSpec> Tensors)
{
    public const string EncodingPrefix = "encoding", NetworkPrefix = "network", FilterPrefix = "filter";

    public static FieldLayout Of(FieldConfig config, SignalInfo signal)
    {
        var head = config.Head;
        int inputDims = signal.CoordinateDims + head.ExtraCoordinates();
        int queries = head.QueriesPerSample(signal.BitDepth);
        int outputs = head.RawOutputs(signal.Channels, signal.BitDepth) / queries;
        var encoding = config.Encoding.ForSignal(signal.Dimensions);
        int encoded = encoding.OutputDims(inputDims);
        var tensors = encoding.Tensors(inputDims).Select(t => t.Prefixed(EncodingPrefix))
            .Concat(config.Network.Tensors(encoded, outputs).Select(t => t.Prefixed(NetworkPrefix)))
            .Concat(PostFilterOf(config, signal)?.Tensors(signal.Channels) ?? [])
            .ToList();
        return new FieldLayout(inputDims, encoded, outputs, queries, tensors);
    }

    /// <summary>The trained tensors (what a neural file stores), in order.</summary>
    public IEnumerable<TensorSpec> Parameters => Tensors.Where(t => t.Role == TensorRole.Parameter);

    public long ParameterCount => Parameters.Sum(t => t.Elements);

    /// <summary>The full name of an encoding tensor.</summary>
    public static string Encoding(string name) => $"{EncodingPrefix}.{name}";

    /// <summary>The post filter the model has for this signal: the config's for an image, none for other signals.</summary>
    public static PostFilterConfig? PostFilterOf(FieldConfig config, SignalInfo signal) => PostFilterConfig.AppliesTo(signal) ? config.PostFilter : null;

    /// <summary>True for the post filter's tensors ("filter.weight", "filter.bias").</summary>
    public static bool IsFilter(string name) => name.StartsWith(FilterPrefix + ".", StringComparison.Ordinal);

    /// <summary>The full name of a network tensor.</summary>
    public static string Network(string name) => $"{NetworkPrefix}.{name}";
}
