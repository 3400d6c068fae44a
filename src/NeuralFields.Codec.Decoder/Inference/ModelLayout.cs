using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>
/// What the portable decoder can compute (the component registry says, per component), and the tensors
/// (names and shapes, in file order) a config needs for a signal: the trained tensors of its
/// <see cref="FieldLayout"/>, named as the TorchSharp model's state_dict, so the encoder maps one onto the
/// other by name. Fixed bases (positional frequencies, random Fourier matrices) are not stored: they are
/// rebuilt from the config.
/// </summary>
public static class ModelLayout
{
    /// <summary>
    /// Every component config type the decoder has code for: its encoders, activations and heads, and the MLP the
    /// <see cref="FieldEvaluator"/> is. The registry-driven tests check this against what the registry claims.
    /// </summary>
    public static IReadOnlyCollection<Type> ImplementedTypes { get; } =
        [.. FeatureEncoder.ImplementedTypes, .. LayerActivation.ImplementedTypes, .. OutputHead.ImplementedTypes, typeof(MlpConfig)];

    /// <summary>The config's components the decoder cannot compute, as "kind 'type'", in config order.</summary>
    public static IReadOnlyList<string> Unsupported(FieldConfig config) =>
        ComponentRegistry.Unsupported(config, Backend.Decoder).Select(t => t.ToString()).ToList();

    /// <summary>Throws one <see cref="NeuralFieldsException"/> naming every unsupported component and why.</summary>
    public static void RequireSupported(FieldConfig config)
    {
        if (!ComponentRegistry.Supports(config, Backend.Decoder, out var reason))
            throw new NeuralFieldsException(reason);
    }

    /// <summary>
    /// Names and shapes of the stored tensors, in file order: the encoding's trained tensors (the hash
    /// table), then each linear layer's weight [out, in] and bias [out], the output layer last. Refuses
    /// unsupported models and models over <see cref="NeuralFileFormat.MaxParameters"/> before anything is allocated.
    /// </summary>
    public static IReadOnlyList<(string Name, int[] Shape)> Tensors(FieldConfig config, SignalInfo signal)
    {
        RequireSupported(config);
        var layout = FieldLayout.Of(config, signal);
        long total = layout.ParameterCount;
        if (total > NeuralFileFormat.MaxParameters)
            throw new NeuralFieldsException($"the model has {total:N0} parameters, more than the {NeuralFileFormat.MaxParameters:N0} a neural file holds");
        return layout.Parameters.Select(t => (t.Name, t.Shape)).ToList();
    }
}
