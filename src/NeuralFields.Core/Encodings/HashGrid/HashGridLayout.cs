using System.Runtime.CompilerServices;
using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Encodings.HashGrid;

/// <summary>
/// Where each level's entries live in the flat table and how a coordinate finds its 2^d corners and
/// their d-linear weights. The per-level constants and index math are <see cref="HashGridLevel"/>
/// (NeuralFields.Schema, shared with the ILGPU kernels); this class holds them for one grid.
/// </summary>
public sealed class HashGridLayout
{
    public HashGridLayout(HashGridConfig config, int dims)
    {
        LevelConstants = HashGridLevel.For(config, dims);
        Dims = dims;
        Levels = config.NLevels;
        Features = config.NFeaturesPerLevel;
        Scales = LevelConstants.Select(l => l.Scale).ToArray();
        Resolutions = LevelConstants.Select(l => l.Resolution).ToArray();
        Sizes = LevelConstants.Select(l => l.Size).ToArray();
        Dense = LevelConstants.Select(l => l.Dense).ToArray();
        Offsets = [.. LevelConstants.Select(l => l.Offset), LevelConstants[^1].Offset + LevelConstants[^1].Size];
    }

    /// <summary>The constants of each level, as the kernels take them.</summary>
    public HashGridLevel[] LevelConstants { get; }
    public int Dims { get; }
    public int Levels { get; }
    public int Features { get; }
    public float[] Scales { get; }
    public int[] Resolutions { get; }
    public int[] Sizes { get; }
    public bool[] Dense { get; }
    /// <summary>First entry of each level; the last element is the total entry count.</summary>
    public int[] Offsets { get; }

    public int Corners => 1 << Dims;

    public int OutputDims => Levels * Features;

    public int TotalEntries => Offsets[Levels];

    /// <summary>
    /// Entry index (within the whole table) and weight of each corner of <paramref name="coordinate"/>
    /// (in [-1,1]^d) at <paramref name="level"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Corners1(ReadOnlySpan<float> coordinate, int level, Span<int> index, Span<float> weight)
    {
        var lv = LevelConstants[level];
        Span<uint> cell = stackalloc uint[3];
        Span<float> frac = stackalloc float[3];
        Span<uint> g = stackalloc uint[3];
        for (int i = 0; i < Dims; i++)
        {
            float pos = HashGridLevel.Position(coordinate[i], lv.Scale);
            float floor = MathF.Floor(pos);
            cell[i] = (uint)floor;
            frac[i] = pos - floor;
        }
        for (int c = 0; c < Corners; c++)
        {
            float w = 1f;
            for (int i = 0; i < Dims; i++)
            {
                bool upper = ((c >> i) & 1) != 0;
                g[i] = cell[i] + (upper ? 1u : 0u);
                w *= upper ? frac[i] : 1f - frac[i];
            }
            index[c] = lv.Index(g[0], g[1], g[2]);
            weight[c] = w;
        }
    }
}
