using NeuralFields.Schema;

namespace NeuralFields.Kernels.Tests;

/// <summary>Small coordinate batches with the edges the kernels must get right.</summary>
internal static class Coordinates
{
    /// <summary>
    /// 64 rows of <paramref name="dims"/>-D coordinates: the corners −1 and 1, 0, the given cell borders
    /// (where a floor flips), points just beside them, then seeded uniform points in [-1, 1].
    /// </summary>
    public static float[] Batch(int dims, IEnumerable<float>? borders = null, int rows = 64, int seed = 7)
    {
        var special = new List<float> { -1f, 1f, 0f, -0.5f, 0.5f };
        foreach (var b in borders ?? [])
        {
            special.Add(b);
            special.Add(MathF.BitDecrement(b));
            special.Add(MathF.BitIncrement(b));
        }
        var random = new Random(seed);
        var values = new float[rows * dims];
        for (int r = 0; r < rows; r++)
            for (int d = 0; d < dims; d++)
            {
                int k = r * dims + d;
                // Early rows walk through the special values (each axis offset, so pairs mix); later rows are random.
                values[k] = k < special.Count * dims ? special[(r + d * 3) % special.Count] : random.NextSingle() * 2f - 1f;
            }
        for (int i = 0; i < values.Length; i++) values[i] = Math.Clamp(values[i], -1f, 1f);
        return values;
    }

    /// <summary>Cell borders of a lattice of <paramref name="cells"/> cells over [-1, 1]: −1 + 2k/cells.</summary>
    public static IEnumerable<float> LatticeBorders(int cells) =>
        Enumerable.Range(1, cells - 1).Select(k => (float)(-1.0 + 2.0 * k / cells));

    /// <summary>Coordinates whose hash-grid position (x+1)/2·scale + 0.5 is an integer: a vertex of that level.</summary>
    public static IEnumerable<float> GridVertices(double scale) =>
        Enumerable.Range(1, Math.Max(1, (int)Math.Floor(scale))).Select(k => (float)(2.0 * (k - 0.5) / scale - 1.0))
            .Where(x => x is >= -1 and <= 1);

    /// <summary>The sample grid of an image, row-major (x fastest).</summary>
    public static float[] Grid(int height, int width) => SampleGrid.Coordinates([height, width]);
}
