using NeuralFields.Schema.Components;


namespace NeuralFields.Kernels.Fused;

/// <summary>Raw network output → signal value, as the plain heads of NeuralFields.Core do it.</summary>
public interface IHeadKernel
{
    float Value(float raw);
}

/// <summary>Linear head, centred: the network predicts 2v − 1, so v = (raw + 1)·0.5.</summary>
public readonly struct CenteredLinearHead : IHeadKernel, IEquatable<CenteredLinearHead>
{
    public float Value(float raw) => (raw + 1f) * 0.5f;

    public bool Equals(CenteredLinearHead other) => true;

    public override bool Equals(object? obj) => obj is CenteredLinearHead;

    public override int GetHashCode() => 0;
}

/// <summary>Linear head, not centred: v = raw.</summary>
public readonly struct PlainLinearHead : IHeadKernel, IEquatable<PlainLinearHead>
{
    public float Value(float raw) => raw;

    public bool Equals(PlainLinearHead other) => true;

    public override bool Equals(object? obj) => obj is PlainLinearHead;

    public override int GetHashCode() => 1;
}

/// <summary>Sigmoid head: v = σ(raw).</summary>
public readonly struct SigmoidHeadKernel : IHeadKernel, IEquatable<SigmoidHeadKernel>
{
    public float Value(float raw) => KernelMath.Sigmoid(raw);

    public bool Equals(SigmoidHeadKernel other) => true;

    public override bool Equals(object? obj) => obj is SigmoidHeadKernel;

    public override int GetHashCode() => 2;
}

/// <summary>Hands the head kernel struct of a config to code generic over it (the fused launcher).</summary>
public interface IHeadVisitor<out TResult>
{
    TResult Visit<THead>(THead head) where THead : unmanaged, IHeadKernel, IEquatable<THead>;
}

/// <summary>The fused kernel's head for one config type (one per head, marked [<see cref="ComputesAttribute"/>]).</summary>
public abstract class HeadChoice
{
    private static readonly ImplementationCatalog<HeadChoice> Catalog = new(typeof(HeadChoice).Assembly, Backend.Kernels, typeof(HeadConfig));

    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public static HeadChoice For(HeadConfig config) => Catalog.Create(config);

    public abstract TResult Accept<TResult>(IHeadVisitor<TResult> visitor);
}

[Computes(typeof(LinearHeadConfig))]
public sealed class LinearHeadChoice(LinearHeadConfig config) : HeadChoice
{
    public override TResult Accept<TResult>(IHeadVisitor<TResult> visitor) =>
        config.Centered ? visitor.Visit(new CenteredLinearHead()) : visitor.Visit(new PlainLinearHead());
}

[Computes(typeof(SigmoidHeadConfig))]
public sealed class SigmoidHeadChoice : HeadChoice
{
    public SigmoidHeadChoice(SigmoidHeadConfig config)
    {
    }

    public override TResult Accept<TResult>(IHeadVisitor<TResult> visitor) => visitor.Visit(new SigmoidHeadKernel());
}
