using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using ILGPU;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// Snaps each coordinate to the centre of its lattice cell, q = (2i + 1)/R − 1 with
/// i = clamp(⌊(x + 1)·R·0.5⌋, 0, R − 1) (the float operations of NeuralFields.Core's QuantizedEncoding, in
/// its order), then applies the inner encoding. R per axis: up to four axes.
/// </summary>
public readonly struct QuantizedKernel<TInner>(TInner inner, float cellsX, float cellsY, float cellsZ, float cellsW)
    : IEncodingKernel, IEquatable<QuantizedKernel<TInner>>
    where TInner : unmanaged, IEncodingKernel, IEquatable<TInner>
{
    public readonly TInner Inner = inner;
    public readonly float CellsX = cellsX, CellsY = cellsY, CellsZ = cellsZ, CellsW = cellsW;

    public int InputDims => Inner.InputDims;

    public int OutputDims => Inner.OutputDims;

    public void Encode(Point x, in EncodingData data, ArrayView<float> output, long at, long stride)
    {
        var snapped = default(Point);
        snapped.X = Snap(x.X, CellsX);
        snapped.Y = Snap(x.Y, CellsY);
        snapped.Z = Snap(x.Z, CellsZ);
        snapped.W = Snap(x.W, CellsW);
        Inner.Encode(snapped, data, output, at, stride);
    }

    /// <summary>The cell centre of one coordinate on an axis of <paramref name="cells"/> cells.</summary>
    public static float Snap(float x, float cells)
    {
        float index = MathF.Floor((x + 1f) * cells * 0.5f);
        index = index < 0f ? 0f : index > cells - 1f ? cells - 1f : index;
        return (index * 2f + 1f) / cells - 1f;
    }

    public bool Equals(QuantizedKernel<TInner> other) =>
        Inner.Equals(other.Inner) && CellsX == other.CellsX && CellsY == other.CellsY && CellsZ == other.CellsZ && CellsW == other.CellsW;

    public override bool Equals(object? obj) => obj is QuantizedKernel<TInner> other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Inner, CellsX, CellsY, CellsZ, CellsW);
}

[Computes(typeof(QuantizedEncodingConfig))]
public sealed class QuantizedPlanner(QuantizedEncodingConfig config) : EncodingPlanner
{
    public override EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder) =>
        EncodingPlan.Quantized(builder.Add(spec.Nested(QuantizedEncodingConfig.InnerPrefix, config.Inner)), config.ResolutionFor(spec.InputDims));
}
