using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Encodings;

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

    /// <summary>The plan of <paramref name="spec"/>; <see cref="ConfigException"/> when unsupported or its data is missing.</summary>
    public static EncodingPlan Build(EncodingSpec spec)
    {
        if (!EncodingSpec.IsSupported(spec.Config, out var reason)) throw new ConfigException(reason);
        if (spec.InputDims is < 1 or > Point.MaxDims)
            throw new ConfigException($"the kernels take 1 to {Point.MaxDims} coordinate dimensions, not {spec.InputDims}");
        var builder = new Builder();
        var plan = builder.Add(spec);
        return plan.Accept(new WithData(builder.Floats.ToArray(), builder.Levels.ToArray()));
    }

    private sealed class Builder
    {
        public readonly List<float> Floats = [];
        public readonly List<HashGridLevel> Levels = [];

        public EncodingPlan Add(EncodingSpec spec)
        {
            int d = spec.InputDims;
            switch (spec.Config)
            {
                case IdentityEncodingConfig:
                    return Of(new IdentityKernel(d));
                case PositionalEncodingConfig c:
                    return Of(new PositionalKernel(d, c.Octaves, c.IncludeInput, c.MultiplyByPi));
                case GaussianFourierConfig c:
                {
                    var matrix = Require(spec.FourierMatrix, "rff", "fourier_matrix");
                    if (matrix.Length != c.Features * d)
                        throw new ConfigException($"rff: the matrix has {matrix.Length} values, not features·dims = {c.Features * d}");
                    return Of(new FourierKernel(d, c.Features, Append(matrix)));
                }
                case ShiftedGaussianConfig c:
                    return Shifted(spec, c, new GaussianBasis(c.Sigma));
                case ShiftedTriangleConfig c:
                    return Shifted(spec, c, new TriangleBasis(c.HalfWidth ?? 2.0 / c.Centers));
                case HashGridConfig c:
                {
                    var levels = HashGridLevel.For(c, d);
                    var table = Require(spec.HashTable, "hashgrid", "table");
                    long entries = levels[^1].Offset + (long)levels[^1].Size;
                    if (table.Length != entries * c.NFeaturesPerLevel)
                        throw new ConfigException($"hashgrid: the table has {table.Length} values, not entries·features = {entries * c.NFeaturesPerLevel}");
                    int levelsOffset = Levels.Count;
                    Levels.AddRange(levels);
                    return Of(new HashGridKernel(d, c.NLevels, c.NFeaturesPerLevel, levelsOffset, Append(table)));
                }
                case QuantizedEncodingConfig c:
                {
                    var inner = Add(spec.Inner ?? throw new ConfigException("quantized: the inner encoding's spec is missing"));
                    var cells = c.ResolutionFor(d);
                    return inner.Accept(new Quantize(cells));
                }
                default:
                    throw new ConfigException($"no kernel for {spec.Config.GetType().Name}");
            }
        }

        private EncodingPlan Shifted<TBasis>(EncodingSpec spec, ShiftedBasisConfig config, TBasis basis)
            where TBasis : unmanaged, IShiftedBasis, IEquatable<TBasis>
        {
            string name = ComponentRegistry.Describe(config).Name;
            int d = spec.InputDims;
            var projection = Require(spec.Projection, name, "projection");
            if (projection.Length % d != 0 || projection.Length == 0)
                throw new ConfigException($"{name}: the projection has {projection.Length} values, not a multiple of {d}");
            float norm = spec.Normalisation ?? 0f;
            if (!(norm > 0) || !float.IsFinite(norm))
                throw new ConfigException($"{name}: the encoding is not calibrated (normalisation {norm}); kernels need the stored value");
            int directions = projection.Length / d;
            int projectionOffset = Append(projection);
            var centers = Enumerable.Range(0, config.Centers).Select(k => SampleGrid.Coordinate(k, config.Centers)).ToArray();
            return Of(new ShiftedBasisKernel<TBasis>(basis, d, directions, config.Centers, projectionOffset, Append(centers), norm));
        }

        private int Append(float[] values)
        {
            int offset = Floats.Count;
            Floats.AddRange(values);
            return offset;
        }

        private static float[] Require(float[]? values, string encoding, string what) =>
            values ?? throw new ConfigException($"{encoding}: the {what} data is missing from the encoding spec");

        private static EncodingPlan Of<T>(T kernel) where T : unmanaged, IEncodingKernel, IEquatable<T> => new EncodingPlan<T>(kernel, [], []);
    }

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
