using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// An encoding as the kernels take it: its config, the coordinate dimensions and the arrays it needs,
/// taken from the trained model (NeuralFields.Backends reads them from a TorchSharp FieldModel) so the
/// kernels never recompute what the model stores.
/// </summary>
public sealed record EncodingSpec(EncodingConfig Config, int InputDims)
{
    /// <summary>rff: 2πB, row-major [features, dims] (NeuralFields.Core's GaussianFourierFeatures.Matrix).</summary>
    public float[]? FourierMatrix { get; init; }

    /// <summary>Shifted bases: the direction matrix P, row-major [dims, K] (Core's ShiftedBasis.Projection).</summary>
    public float[]? Projection { get; init; }

    /// <summary>Shifted bases: the stored normalisation (largest row norm on the training grid, &gt; 0).</summary>
    public float? Normalisation { get; init; }

    /// <summary>Hash grid: the trained table, row-major [entries, features per level].</summary>
    public float[]? HashTable { get; init; }

    /// <summary>Quantized: the spec of the encoding applied to the snapped coordinates.</summary>
    public EncodingSpec? Inner { get; init; }

    /// <summary>Whether the kernels implement this encoding type; <paramref name="reason"/> says why not.</summary>
    public static bool IsSupported(EncodingConfig config, out string reason)
    {
        reason = config switch
        {
            IdentityEncodingConfig or PositionalEncodingConfig or GaussianFourierConfig or ShiftedGaussianConfig
                or ShiftedTriangleConfig or HashGridConfig => "",
            QuantizedEncodingConfig q => IsSupported(q.Inner, out var inner) ? "" : inner,
            _ => $"the '{ComponentRegistry.Describe(config).Name}' encoding has no kernel (only encodings without learnable state and the hash grid do)",
        };
        return reason.Length == 0;
    }
}
