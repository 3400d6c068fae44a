namespace NeuralFields.Schema.Components;

/// <summary>
/// Linear output. With <see cref="Centered"/> the network predicts 2v - 1 (values mapped to [-1,1],
/// as SIREN does); otherwise it predicts v directly.
/// </summary>
public sealed record LinearHeadConfig : HeadConfig
{
    public bool Centered { get; init; } = true;
}

/// <summary>Sigmoid output: v = σ(z), always inside [0,1].</summary>
public sealed record SigmoidHeadConfig : HeadConfig;
