using NeuralFields.Kernels.Encodings;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Fused;

/// <summary>
/// A trained field as the fused rendering kernel takes it: the encoding (config and data), an MLP's
/// shape and flat parameters (see <see cref="MlpShape"/>), its activation and a plain head. Built from a
/// checkpoint's FieldModel by NeuralFields.Backends; nothing here depends on TorchSharp.
/// </summary>
public sealed record FusedField(EncodingSpec Encoding, MlpConfig Network, int Outputs, float[] Parameters, HeadConfig Head)
{
    /// <summary>
    /// Every component config type the kernels have code for: encodings, activations, heads, and the MLP the fused
    /// kernel is. The registry-driven tests check this against what the registry claims.
    /// </summary>
    public static IReadOnlyCollection<Type> ImplementedTypes { get; } =
        [.. EncodingPlan.ImplementedTypes, .. ActivationChoice.ImplementedTypes, .. HeadChoice.ImplementedTypes, typeof(MlpConfig)];

    /// <summary>Whether the fused kernel can render a model with these components (the component registry says); <paramref name="reason"/> says why not.</summary>
    public static bool IsSupported(FieldConfig config, out string reason) => ComponentRegistry.Supports(config, Backend.Kernels, out reason);

    /// <summary>The kernel's view of the network; checks that the parameters fit it.</summary>
    public MlpShape Shape(int encodedWidth)
    {
        var (first, omega) = Network.Activation switch
        {
            SineActivationConfig s => ((float)s.FirstOmega0, (float)s.Omega0),
            SpderActivationConfig s => ((float)s.FirstOmega0, (float)s.Omega0),
            _ => (1f, 1f),
        };
        var shape = new MlpShape(encodedWidth, Network.Width, Network.HiddenLayers, Outputs, first, omega);
        if (Parameters.LongLength != shape.ParameterCount)
            throw new ConfigException($"the network has {Parameters.LongLength} parameters, not the {shape.ParameterCount} its shape needs");
        return shape;
    }
}
