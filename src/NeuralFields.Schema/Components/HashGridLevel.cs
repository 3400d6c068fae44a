using System.Runtime.CompilerServices;

namespace NeuralFields.Schema.Components;

/// <summary>
/// The constants of one hash-grid level and the index math on them, in one plain struct that the
/// TorchSharp encoding (NeuralFields.Core's HashGridLayout), its C# kernels and the ILGPU kernels all
/// use, so the three agree by construction. Level l has scale s_l = base·per_level_scale^l − 1; a
/// coordinate x in [-1,1] sits at grid position clamp((x+1)/2, 0, 1)·s_l + 0.5 and reads the 2^d
/// vertices around it. Blittable (no bool) so it can live in a GPU buffer.
/// </summary>
public readonly struct HashGridLevel
{
    public const uint Prime1 = 2654435761u, Prime2 = 805459861u;

    public HashGridLevel(float scale, int resolution, int size, int offset, bool dense)
    {
        Scale = scale;
        Resolution = resolution;
        Size = size;
        Offset = offset;
        DenseFlag = dense ? 1 : 0;
    }

    /// <summary>s_l: positions run over [0.5, s_l + 0.5].</summary>
    public readonly float Scale;

    /// <summary>Vertices per axis of a dense level, ⌈s_l⌉ + 2.</summary>
    public readonly int Resolution;

    /// <summary>Entries of this level (a power of two when hashed).</summary>
    public readonly int Size;

    /// <summary>First entry of this level in the flat table of all levels.</summary>
    public readonly int Offset;

    /// <summary>1 when the level is indexed densely, 0 when hashed.</summary>
    public readonly int DenseFlag;

    public bool Dense => DenseFlag != 0;

    /// <summary>
    /// The levels of a grid for <paramref name="dims"/>-D coordinates. Positions run over [0.5, s + 0.5],
    /// so the upper corner reaches ⌈s⌉ + 1: one vertex more than tiny-cuda-nn allots, which there wraps onto
    /// the next row; here it has its own entry. Dense levels take just what they need (rounded up to 8, as
    /// tiny-cuda-nn does), hashed ones the full 2^log2_hashmap_size table.
    /// </summary>
    public static HashGridLevel[] For(HashGridConfig config, int dims)
    {
        if (dims is < 1 or > 3) throw new ArgumentOutOfRangeException(nameof(dims), "hash grids support 1D, 2D and 3D coordinates");
        var levels = new HashGridLevel[config.NLevels];
        long hashSize = 1L << config.Log2HashmapSize;
        int offset = 0;
        for (int l = 0; l < levels.Length; l++)
        {
            // Portable exp2/log2 (not libm): the neural-file decoder must build the same scales on every machine.
            double scale = PortableMath.Exp2(l * PortableMath.Log2(config.PerLevelScale)) * config.BaseResolution - 1.0;
            int resolution = (int)Math.Ceiling(scale) + 2;
            double denseSize = Math.Pow(resolution, dims);
            bool dense = denseSize <= hashSize;
            int size = dense ? (int)((long)(denseSize + 7) / 8 * 8) : (int)hashSize;
            levels[l] = new HashGridLevel((float)scale, resolution, size, offset, dense);
            offset = checked(offset + size);
        }
        return levels;
    }

    /// <summary>Grid position of a coordinate in [-1,1], clamped so the cell index stays in range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Position(float coordinate, float scale) => UnitPosition(coordinate) * scale + 0.5f;

    /// <summary>The level-independent part of <see cref="Position"/>: (coordinate + 1)/2 clamped to [0, 1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float UnitPosition(float coordinate)
    {
        float t = (coordinate + 1f) * 0.5f;
        return t < 0f ? 0f : t > 1f ? 1f : t;
    }

    /// <summary>
    /// Entry (within the whole table) of grid vertex (gx, gy, gz); unused axes are 0. Dense levels index
    /// row-major with x fastest; hashed ones XOR the coordinates times 1, <see cref="Prime1"/>, <see cref="Prime2"/>
    /// (tiny-cuda-nn's spatial hash) and keep the low bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Index(uint gx, uint gy, uint gz)
    {
        uint local = DenseFlag != 0
            ? gx + gy * (uint)Resolution + gz * (uint)Resolution * (uint)Resolution
            : (gx ^ gy * Prime1 ^ gz * Prime2) & (uint)(Size - 1);
        return Offset + (int)local;
    }
}
