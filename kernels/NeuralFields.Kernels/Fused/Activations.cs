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
