using ILGPU;
using NeuralFields.Schema;

namespace NeuralFields.Kernels.Fused;

/// <summary>Where the fused kernel's coordinates come from: computed from a sample index, or read from a buffer.</summary>
public interface ICoordinateSource
{
    int Dims { get; }

    /// <summary>Sample <paramref name="start"/> + <paramref name="t"/>; a buffer holds only the chunk's rows, from row 0.</summary>
    Point At(long start, long t, ArrayView<float> coordinates);
}

/// <summary>
/// A regular sample grid (<see cref="SampleGrid"/>: cell centres, x fastest), computed in the kernel
/// with the same double-precision formula, so a render of any size needs no coordinate buffer.
/// </summary>
public readonly struct GridSource : ICoordinateSource
{
    public readonly int Rank, Width, Height, Depth;

    /// <summary>Dimensions slowest axis first, as <see cref="SignalInfo.Dimensions"/>: [w], [h, w] or [d, h, w].</summary>
    public GridSource(IReadOnlyList<int> dimensions)
    {
        if (dimensions.Count is < 1 or > 3) throw new ArgumentException("grids have 1 to 3 dimensions", nameof(dimensions));
        Rank = dimensions.Count;
        Width = dimensions[^1];
        Height = Rank > 1 ? dimensions[^2] : 1;
        Depth = Rank > 2 ? dimensions[0] : 1;
    }

    public int Dims => Rank;

    public long Samples => (long)Width * Height * Depth;

    public Point At(long start, long t, ArrayView<float> coordinates)
    {
        long sample = start + t;
        var p = default(Point);
        long row = sample / Width;
        p.X = SampleGrid.Coordinate(sample - row * Width, Width);
        if (Rank > 1)
        {
            long plane = row / Height;
            p.Y = SampleGrid.Coordinate(row - plane * Height, Height);
            if (Rank > 2) p.Z = SampleGrid.Coordinate(plane, Depth);
        }
        return p;
    }
}

/// <summary>Coordinates read from a row-major [N, dims] buffer (this chunk's rows).</summary>
public readonly struct ListSource(int dims) : ICoordinateSource
{
    public readonly int Rank = dims;

    public int Dims => Rank;

    public Point At(long start, long t, ArrayView<float> coordinates) => Point.Load(coordinates, t, Rank);
}
