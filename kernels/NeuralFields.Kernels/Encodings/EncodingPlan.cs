using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// Makes the kernel of one encoding type from its spec (one planner per kernel, marked
/// [<see cref="ComputesAttribute"/>] and constructed from the config), appending its data to the builder.
/// </summary>
public abstract class EncodingPlanner
{
    public abstract EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder);
}

/// <summary>Receives the concrete kernel struct of an <see cref="EncodingPlan"/>, so code generic over it can run.</summary>
public interface IEncodingVisitor<out TResult>
{
    TResult Visit<TEncoding>(TEncoding encoding) where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>;
}

/// <summary>
/// An encoding ready for the kernels: the constants struct (reached through <see cref="Accept"/>, which
/// hands over its static type) and the host arrays every accelerator copies once: <see cref="Floats"/>
/// and <see cref="Levels"/> become <see cref="EncodingData"/>.
/// </summary>
public abstract class EncodingPlan
{
    private protected EncodingPlan(float[] floats, HashGridLevel[] levels)
    {
        Floats = floats;
        Levels = levels;
    }

    public float[] Floats { get; }

    public HashGridLevel[] Levels { get; }

    public abstract int InputDims { get; }

    public abstract int OutputDims { get; }

    public abstract TResult Accept<TResult>(IEncodingVisitor<TResult> visitor);

    private static readonly ImplementationCatalog<EncodingPlanner> Planners = new(typeof(EncodingPlanner).Assembly, Backend.Kernels, typeof(EncodingConfig));

    /// <summary>Every encoding config type with a kernel, for the registry-driven tests.</summary>
    public static IReadOnlyCollection<Type> ImplementedTypes => Planners.ConfigTypes;

    /// <summary>The plan of <paramref name="spec"/>; <see cref="ConfigException"/> when unsupported or its data is missing.</summary>
    public static EncodingPlan Build(EncodingSpec spec)
    {
        if (spec.InputDims is < 1 or > Point.MaxDims)
            throw new ConfigException($"the kernels take 1 to {Point.MaxDims} coordinate dimensions, not {spec.InputDims}");
        var builder = new Builder();
        var plan = builder.Add(spec);
        return plan.Accept(new WithData(builder.Floats.ToArray(), builder.Levels.ToArray()));
    }

    /// <summary>Collects the host arrays of a plan (and of plans nested in it) while their kernels are made.</summary>
    public sealed class Builder
    {
        internal readonly List<float> Floats = [];
        internal readonly List<HashGridLevel> Levels = [];

        /// <summary>The plan of one (possibly nested) encoding, by its kernel's planner.</summary>
        public EncodingPlan Add(EncodingSpec spec) => Planners.Create(spec.Config).Plan(spec, this);

        /// <summary>Appends <paramref name="values"/> to the plan's floats; returns where they start.</summary>
        public int Append(float[] values)
        {
            int offset = Floats.Count;
            Floats.AddRange(values);
            return offset;
        }

        /// <summary>Appends hash-grid levels; returns where they start.</summary>
        public int Append(HashGridLevel[] levels)
        {
            int offset = Levels.Count;
            Levels.AddRange(levels);
            return offset;
        }

        public static EncodingPlan Of<T>(T kernel) where T : unmanaged, IEncodingKernel, IEquatable<T> => new EncodingPlan<T>(kernel, [], []);
    }

    /// <summary>The plan of <paramref name="inner"/> on coordinates snapped to <paramref name="cells"/> per axis.</summary>
    internal static EncodingPlan Quantized(EncodingPlan inner, int[] cells) => inner.Accept(new Quantize(cells));

    private sealed class Quantize(int[] cells) : IEncodingVisitor<EncodingPlan>
    {
        public EncodingPlan Visit<TInner>(TInner inner) where TInner : unmanaged, IEncodingKernel, IEquatable<TInner>
        {
            float Cells(int axis) => axis < cells.Length ? cells[axis] : 1f;
            return new EncodingPlan<QuantizedKernel<TInner>>(new QuantizedKernel<TInner>(inner, Cells(0), Cells(1), Cells(2), Cells(3)), [], []);
        }
    }

    private sealed class WithData(float[] floats, HashGridLevel[] levels) : IEncodingVisitor<EncodingPlan>
    {
        public EncodingPlan Visit<T>(T kernel) where T : unmanaged, IEncodingKernel, IEquatable<T> => new EncodingPlan<T>(kernel, floats, levels);
    }
}

/// <summary>A plan whose kernel struct is <typeparamref name="TEncoding"/>.</summary>
public sealed class EncodingPlan<TEncoding> : EncodingPlan where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>
{
    internal EncodingPlan(TEncoding kernel, float[] floats, HashGridLevel[] levels) : base(floats, levels)
    {
        Kernel = kernel;
    }

    public TEncoding Kernel { get; }

    public override int InputDims => Kernel.InputDims;

    public override int OutputDims => Kernel.OutputDims;

    public override TResult Accept<TResult>(IEncodingVisitor<TResult> visitor) => visitor.Visit(Kernel);
}
