using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>
/// What the portable decoder can compute, and the tensors (names and shapes, in file order) that a
/// config needs for a signal. Names are those of the TorchSharp model's state_dict, so the encoder maps
/// one onto the other by name. Fixed bases (positional frequencies, random Fourier matrices) are not
/// stored: they are rebuilt from the config.
/// </summary>
public static class ModelLayout
{
    public const string Supported =
        "encodings none, positional, rff and hashgrid; network mlp with relu or sine activations; heads linear, sigmoid, bitplane and bitplane_coordinate";

    /// <summary>The config's components the decoder cannot compute, as "kind 'type'", in config order.</summary>
    public static IReadOnlyList<string> Unsupported(FieldConfig config)
    {
        var missing = new List<string>();
        if (config.Encoding is not (IdentityEncodingConfig or PositionalEncodingConfig or GaussianFourierConfig or HashGridConfig))
            missing.Add(Describe(config.Encoding));
        if (config.Network is MlpConfig mlp)
        {
            if (mlp.Activation is not (ReluActivationConfig or SineActivationConfig))
                missing.Add(Describe(mlp.Activation));
        }
        else
        {
            missing.Add(Describe(config.Network));
        }
        if (config.Head is not (LinearHeadConfig or SigmoidHeadConfig or BitPlaneHeadConfig or BitPlaneCoordinateHeadConfig))
            missing.Add(Describe(config.Head));
        return missing;
    }

    /// <summary>Throws one <see cref="NeuralFieldsException"/> naming every unsupported component.</summary>
    public static void RequireSupported(FieldConfig config)
    {
        var missing = Unsupported(config);
        if (missing.Count > 0)
            throw new NeuralFieldsException(
                $"the neural-file decoder cannot compute {string.Join(", ", missing)} (it supports {Supported})");
    }

    /// <summary>Network queries per sample: the bit count for bitplane_coordinate heads, else 1.</summary>
    public static int QueriesPerSample(HeadConfig head, SignalInfo signal) => head is BitPlaneCoordinateHeadConfig ? signal.BitDepth : 1;

    /// <summary>Coordinates per query: the signal's own, plus the bit coordinate of bitplane_coordinate heads.</summary>
    public static int InputDims(HeadConfig head, SignalInfo signal) =>
        signal.CoordinateDims + (head is BitPlaneCoordinateHeadConfig ? 1 : 0);

    /// <summary>Network outputs per query.</summary>
    public static int OutputsPerQuery(HeadConfig head, SignalInfo signal) =>
        head is BitPlaneHeadConfig ? signal.Channels * signal.BitDepth : signal.Channels;

    public static int EncodingOutputs(EncodingConfig encoding, int inputDims) => encoding switch
    {
        IdentityEncodingConfig => inputDims,
        PositionalEncodingConfig p => inputDims * (2 * p.Octaves + (p.IncludeInput ? 1 : 0)),
        GaussianFourierConfig g => 2 * g.Features,
        HashGridConfig h => h.NLevels * h.NFeaturesPerLevel,
        _ => throw new NeuralFieldsException($"the neural-file decoder cannot compute {Describe(encoding)}"),
    };

    /// <summary>
    /// Names and shapes of the stored tensors, in file order: the hash table (hashgrid), then each
    /// linear layer's weight [out, in] and bias [out], the output layer last. Refuses models over
    /// <see cref="NeuralFileFormat.MaxParameters"/> before anything is allocated.
    /// </summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Tensors(FieldConfig config, SignalInfo signal)
    {
        RequireSupported(config);
        var mlp = (MlpConfig)config.Network;
        int inputDims = InputDims(config.Head, signal);
        var tensors = new List<(string, int[])>();
        long total = 0;
        if (config.Encoding is HashGridConfig grid)
        {
            if (inputDims > 3)
                throw new NeuralFieldsException($"a hash grid takes 1 to 3 coordinates, this signal needs {inputDims}");
            long bound = (long)grid.NLevels * (1L << grid.Log2HashmapSize) * grid.NFeaturesPerLevel;
            if (bound > int.MaxValue) throw TooLarge(bound);
            var levels = HashGridLevel.For(grid, inputDims);
            int entries = levels[^1].Offset + levels[^1].Size;
            tensors.Add(("encoding.table", [entries, grid.NFeaturesPerLevel]));
            total += (long)entries * grid.NFeaturesPerLevel;
        }
        int width = EncodingOutputs(config.Encoding, inputDims);
        int outputs = OutputsPerQuery(config.Head, signal);
        for (int layer = 0; layer <= mlp.HiddenLayers; layer++)
        {
            int fanOut = layer == mlp.HiddenLayers ? outputs : mlp.Width;
            tensors.Add(($"network.layers.{layer}.weight", [fanOut, width]));
            tensors.Add(($"network.layers.{layer}.bias", [fanOut]));
            total += (long)fanOut * width + fanOut;
            width = fanOut;
        }
        if (total > NeuralFileFormat.MaxParameters) throw TooLarge(total);
        return tensors;
    }

    public static string Describe(ComponentConfig component)
    {
        var type = ComponentRegistry.Describe(component);
        return $"{type.Kind} '{type.Name}'";
    }

    private static NeuralFieldsException TooLarge(long parameters) =>
        new($"the model has {parameters:N0} parameters, more than the {NeuralFileFormat.MaxParameters:N0} a neural file holds");
}
