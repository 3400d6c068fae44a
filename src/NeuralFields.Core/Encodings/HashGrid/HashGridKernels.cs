using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Encodings.HashGrid;

/// <summary>
/// The hash grid's forward (gather and interpolate) and backward (scatter weighted gradients) in
/// plain C#, parallel over samples (forward) and over levels (backward, so no two threads write
/// the same entry and no atomics are needed). 2D, the common case, has its own unrolled loop;
/// 1D and 3D go through <see cref="HashGridLayout.Corners1"/>.
/// </summary>
public static unsafe class HashGridKernels
{
    private const int Chunk = 2048;

    /// <summary>output[n, l·F + f] = Σ_c w_c · table[idx_c, f]. Pointers: coords [N, d], table [entries, F], output [N, L·F].</summary>
    public static void Forward(HashGridLayout layout, float* coords, long n, float* table, float* output)
    {
        long chunks = (n + Chunk - 1) / Chunk;
        Parallel.For(0L, chunks, chunk =>
        {
            long start = chunk * Chunk, end = Math.Min(n, start + Chunk);
            for (int l = 0; l < layout.Levels; l++)
                Level(layout, l, coords, start, end, table, output, forward: true);
        });
    }

    /// <summary>
    /// gradTable[idx_c, f] = Σ w_c · gradOutput[n, l·F + f]. Each level first clears its own slice of
    /// <paramref name="gradTable"/> (which may hold garbage): cheaper than a separate zero fill of the whole
    /// table, and the slice is then warm in cache for the scatter.
    /// </summary>
    public static void Backward(HashGridLayout layout, float* coords, long n, float* gradOutput, float* gradTable) =>
        Parallel.For(0, layout.Levels, l =>
        {
            long first = (long)layout.Offsets[l] * layout.Features, count = (long)layout.Sizes[l] * layout.Features;
            NativeMemory.Clear(gradTable + first, (nuint)(count * sizeof(float)));
            Level(layout, l, coords, 0, n, gradTable, gradOutput, forward: false);
        });

    /// <summary>One level over samples [start, end): gather into <paramref name="features"/> or scatter from it.</summary>
    private static void Level(HashGridLayout layout, int l, float* coords, long start, long end, float* table, float* features, bool forward)
    {
        if (layout.Dims == 2)
            Level2D(layout, l, coords, start, end, table, features, forward);
        else
            LevelGeneric(layout, l, coords, start, end, table, features, forward);
    }

    // Hot loops: compiled fully optimised at the first call instead of going through tier-0 and on-stack
    // replacement, which made the first few dozen training steps several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Level2D(HashGridLayout layout, int l, float* coords, long start, long end, float* table, float* features, bool forward)
    {
        int f = layout.Features, width = layout.OutputDims;
        var lv = layout.LevelConstants[l];                       // dense or hashed indexing: HashGridLevel.Index
        float scale = lv.Scale;
        for (long s = start; s < end; s++)
        {
            float px = Position(coords[2 * s], scale), py = Position(coords[2 * s + 1], scale);
            int x0 = (int)px, y0 = (int)py;
            float fx = px - x0, fy = py - y0;
            uint gx = (uint)x0, gy = (uint)y0;
            int i00 = lv.Index(gx, gy, 0), i10 = lv.Index(gx + 1, gy, 0), i01 = lv.Index(gx, gy + 1, 0), i11 = lv.Index(gx + 1, gy + 1, 0);
            float w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
            float* row = features + s * width + l * f;
            float* e00 = table + (long)i00 * f, e10 = table + (long)i10 * f, e01 = table + (long)i01 * f, e11 = table + (long)i11 * f;
            if (forward) Interpolate4(row, f, e00, e10, e01, e11, w00, w10, w01, w11);
            else Scatter4(row, f, e00, e10, e01, e11, w00, w10, w01, w11);
        }
    }

    /// <summary>row[k] = Σ_c w_c·e_c[k] over a 2D cell's four corners, added in the one order every 2D path uses (the same bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interpolate4(float* row, int f, float* e00, float* e10, float* e01, float* e11, float w00, float w10, float w01, float w11)
    {
        for (int k = 0; k < f; k++)
            row[k] = w00 * e00[k] + w10 * e10[k] + w01 * e01[k] + w11 * e11[k];
    }

    /// <summary>The gradient of <see cref="Interpolate4"/>: e_c[k] += w_c·g[k].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scatter4(float* g, int f, float* e00, float* e10, float* e01, float* e11, float w00, float w10, float w01, float w11)
    {
        for (int k = 0; k < f; k++)
        {
            float gk = g[k];
            e00[k] += w00 * gk;
            e10[k] += w10 * gk;
            e01[k] += w01 * gk;
            e11[k] += w11 * gk;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LevelGeneric(HashGridLayout layout, int l, float* coords, long start, long end, float* table, float* features, bool forward)
    {
        int d = layout.Dims, f = layout.Features, corners = layout.Corners, width = layout.OutputDims;
        Span<int> index = stackalloc int[8];
        Span<float> weight = stackalloc float[8];
        for (long s = start; s < end; s++)
        {
            layout.Corners1(new ReadOnlySpan<float>(coords + s * d, d), l, index, weight);
            float* row = features + s * width + l * f;
            if (forward)
                for (int k = 0; k < f; k++) row[k] = 0f;
            for (int c = 0; c < corners; c++)
            {
                float* entry = table + (long)index[c] * f;
                float w = weight[c];
                for (int k = 0; k < f; k++)
                {
                    if (forward) row[k] += w * entry[k];
                    else entry[k] += w * row[k];
                }
            }
        }
    }

    /// <summary>Grid position of a coordinate in [-1,1] (clamped, so the cell index stays in range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Position(float coordinate, float scale) => HashGridLevel.Position(coordinate, scale);
}
