using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>A hidden layer's nonlinearity, applied in place to one unit's block of pre-activations.</summary>
internal abstract class LayerActivation
{
    private static readonly ImplementationCatalog<LayerActivation> Catalog = new(typeof(LayerActivation).Assembly, Backend.Decoder, typeof(ActivationConfig));

    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public static LayerActivation Create(ActivationConfig config) => Catalog.Create(config);

    /// <param name="layer">0 for the first hidden layer (SIREN's first-layer ω0).</param>
    public abstract void Apply(Span<float> values, int layer);
}

[Computes(typeof(ReluActivationConfig))]
internal sealed class ReluLayer : LayerActivation
{
    public ReluLayer(ReluActivationConfig config)
    {
    }

    public override void Apply(Span<float> values, int layer) => Kernels.Relu(values);
}

/// <summary>sin(ω0·z) with the decoder's own sine; ω0 of the first layer may differ.</summary>
[Computes(typeof(SineActivationConfig))]
internal sealed class SineLayer(SineActivationConfig config) : LayerActivation
{
    private readonly float _first = (float)config.FirstOmega0, _omega = (float)config.Omega0;

    public override void Apply(Span<float> values, int layer) => Kernels.Sine(values, layer == 0 ? _first : _omega);
}
