namespace NeuralFields.Schema.Components;

/// <summary>ReLU hidden layers with PyTorch's default (Kaiming-uniform) initialisation.</summary>
public sealed record ReluActivationConfig : ActivationConfig;

/// <summary>
/// SIREN sine layers: sin(ω0 (W x + b)). First layer W ~ U(-1/n, 1/n) with ω0 = <see cref="FirstOmega0"/>,
/// later layers and the output layer W ~ U(±√(6/n)/ω0); biases U(±1/√n).
/// </summary>
public sealed record SineActivationConfig : ActivationConfig
{
    public double Omega0 { get; init; } = 30;
    public double FirstOmega0 { get; init; } = 30;

    /// <summary>Largest ω0 accepted (SIREN's audio setting is 3000).</summary>
    public const double MaxOmega0 = 1e5;

    public override void Validate(string path)
    {
        RequirePositive(Omega0, path, "omega0", MaxOmega0);
        RequirePositive(FirstOmega0, path, "first_omega0", MaxOmega0);
    }
}

/// <summary>
/// SPDER (Shah and Sitawarin 2024): sin(z)·d(z) with z = ω0 (W x + b) and the damping d(z) = √max(|z|, ε)
/// (ε = 1e-30) or arctan(z). Initialised as SIREN (<see cref="SineActivationConfig"/>).
/// </summary>
public sealed record SpderActivationConfig : ActivationConfig
{
    public double Omega0 { get; init; } = 30;
    public double FirstOmega0 { get; init; } = 30;
    public SpderDamping Damping { get; init; } = SpderDamping.Sqrt;

    public override void Validate(string path)
    {
        RequirePositive(Omega0, path, "omega0", SineActivationConfig.MaxOmega0);
        RequirePositive(FirstOmega0, path, "first_omega0", SineActivationConfig.MaxOmega0);
        Require(Enum.IsDefined(Damping), path, "damping", "must be \"sqrt\" or \"arctan\"", Damping);
    }
}
