using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Fused;

/// <summary>A hidden-layer nonlinearity applied to z = W x + b, with the layer's ω0 (ignored by ReLU).</summary>
public interface IActivationKernel
{
    float Apply(float z, float omega);
}

/// <summary>max(z, 0).</summary>
public readonly struct ReluKernel : IActivationKernel, IEquatable<ReluKernel>
{
    public float Apply(float z, float omega) => z > 0f ? z : 0f;

    public bool Equals(ReluKernel other) => true;

    public override bool Equals(object? obj) => obj is ReluKernel;

    public override int GetHashCode() => 0;
}

/// <summary>SIREN: sin(ω0 z), the product rounded to float first as NeuralFields.Core's SineFunction does.</summary>
public readonly struct SineKernel : IActivationKernel, IEquatable<SineKernel>
{
    public float Apply(float z, float omega) => KernelMath.Sin(z * omega);

    public bool Equals(SineKernel other) => true;

    public override bool Equals(object? obj) => obj is SineKernel;

    public override int GetHashCode() => 1;
}

/// <summary>SPDER: sin(u)·√max(|u|, ε) (ε = 1e-30) or sin(u)·arctan(u), u = ω0 z (NeuralFields.Core's SpderFunction).</summary>
public readonly struct SpderKernel(SpderDamping damping) : IActivationKernel, IEquatable<SpderKernel>
{
    public const float Epsilon = 1e-30f;

    public readonly int Arctan = damping == SpderDamping.Arctan ? 1 : 0;

    public float Apply(float z, float omega)
    {
        float u = z * omega;
        float magnitude = u < 0f ? -u : u;
        float damping = Arctan != 0 ? KernelMath.Atan(u) : MathF.Sqrt(KernelMath.Max(magnitude, Epsilon));
        return KernelMath.Sin(u) * damping;
    }

    public bool Equals(SpderKernel other) => Arctan == other.Arctan;

    public override bool Equals(object? obj) => obj is SpderKernel other && Equals(other);

    public override int GetHashCode() => Arctan;
}

/// <summary>Hands the activation kernel struct of a config to code generic over it (the fused launcher).</summary>
public interface IActivationVisitor<out TResult>
{
    TResult Visit<TActivation>(TActivation activation) where TActivation : unmanaged, IActivationKernel, IEquatable<TActivation>;
}

/// <summary>The fused kernel's activation for one config type (one per activation, marked [<see cref="ComputesAttribute"/>]).</summary>
public abstract class ActivationChoice
{
    private static readonly ImplementationCatalog<ActivationChoice> Catalog = new(typeof(ActivationChoice).Assembly, Backend.Kernels, typeof(ActivationConfig));

    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public static ActivationChoice For(ActivationConfig config) => Catalog.Create(config);

    public abstract TResult Accept<TResult>(IActivationVisitor<TResult> visitor);
}

[Computes(typeof(ReluActivationConfig))]
public sealed class ReluChoice : ActivationChoice
{
    public ReluChoice(ReluActivationConfig config)
    {
    }

    public override TResult Accept<TResult>(IActivationVisitor<TResult> visitor) => visitor.Visit(new ReluKernel());
}

[Computes(typeof(SineActivationConfig))]
public sealed class SineChoice : ActivationChoice
{
    public SineChoice(SineActivationConfig config)
    {
    }

    public override TResult Accept<TResult>(IActivationVisitor<TResult> visitor) => visitor.Visit(new SineKernel());
}

[Computes(typeof(SpderActivationConfig))]
public sealed class SpderChoice(SpderActivationConfig config) : ActivationChoice
{
    public override TResult Accept<TResult>(IActivationVisitor<TResult> visitor) => visitor.Visit(new SpderKernel(config.Damping));
}
