using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Encodings;

/// <summary>The pixels [X, X + Width) x [Y, Y + Height) of the image a latent grid covers.</summary>
public readonly record struct PixelTile(int X, int Y, int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}

/// <summary>
/// An image cut into tiles of <see cref="Size"/> x <see cref="Size"/> pixels (smaller at the right and bottom edges),
/// for training latent grids on a few tiles per step. Each tile owns the latents of every level whose cells start in
/// it, so the tiles' latents partition every level exactly (<see cref="Region"/>): the rate of a uniform draw of tiles,
/// times tiles / drawn, is an unbiased estimate of the whole rate.
/// </summary>
public sealed class LatentTiling
{
    private readonly LatentGridConfig _grid;

    public LatentTiling(LatentGridConfig grid, int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), "tiles need at least one pixel");
        if (grid.Resolution.Length != 2) throw new ArgumentException("tiles cut a 2-D grid");
        _grid = grid;
        Size = size;
        Width = grid.Resolution[0];
        Height = grid.Resolution[1];
        Columns = (Width + size - 1) / size;
        Rows = (Height + size - 1) / size;
    }

    public int Size { get; }

    public int Width { get; }

    public int Height { get; }

    public int Columns { get; }

    public int Rows { get; }

    public int Count => Columns * Rows;

    public PixelTile Tile(int index)
    {
        int x = index % Columns * Size, y = index / Columns * Size;
        return new PixelTile(x, y, Math.Min(Size, Width - x), Math.Min(Size, Height - y));
    }

    /// <summary><paramref name="count"/> distinct tiles drawn uniformly (a partial Fisher-Yates shuffle), in image order.</summary>
    public PixelTile[] Draw(int count, Random random)
    {
        count = Math.Clamp(count, 1, Count);
        var order = Enumerable.Range(0, Count).ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + random.Next(Count - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order.Take(count).Order().Select(Tile).ToArray();
    }

    /// <summary>The pixel indices (y · width + x) of the tiles, tile after tile, each in raster order: the order the grids' tile path gives values in.</summary>
    public long[] PixelIndices(IReadOnlyList<PixelTile> tiles)
    {
        var indices = new long[tiles.Sum(t => t.Pixels)];
        long k = 0;
        foreach (var t in tiles)
            for (int y = t.Y; y < t.Y + t.Height; y++)
                for (int x = t.X; x < t.X + t.Width; x++)
                    indices[k++] = (long)y * Width + x;
        return indices;
    }

    /// <summary>
    /// The latents of <paramref name="level"/> that <paramref name="tile"/> owns, [first, end) along (y, x): cells from
    /// ⌊start / 2^level⌋ to ⌊end / 2^level⌋, the last tile of a row or column reaching the level's edge.
    /// </summary>
    public (CellRange Y, CellRange X) Region(PixelTile tile, int level)
    {
        var shape = _grid.LevelShape(level);
        return (Owned(tile.Y, tile.Height, Height, shape[0], level), Owned(tile.X, tile.Width, Width, shape[1], level));
    }

    private static CellRange Owned(int start, int length, int pixels, int cells, int level) =>
        new(start >> level, start + length >= pixels ? cells : (start + length) >> level);

    /// <summary>
    /// The latents the tile's pixels interpolate at <paramref name="level"/> (docs/format.md §9.1: source position
    /// (i + ½)·n/N − ½, clamped, and its two neighbouring cells), and for each pixel row (or column) its lower cell
    /// and the upper cell's weight.
    /// </summary>
    public static CellRange Interpolated(int start, int length, int pixels, int cells)
    {
        var (first, _, _) = Corner(start, pixels, cells);
        var (_, last, _) = Corner(start + length - 1, pixels, cells);
        return new CellRange(first, last + 1);
    }

    /// <summary>Pixel <paramref name="i"/>'s two cells along an axis of <paramref name="cells"/> cells over <paramref name="pixels"/> pixels, and the upper one's weight.</summary>
    public static (int Lower, int Upper, double Fraction) Corner(int i, int pixels, int cells)
    {
        double position = Math.Clamp((i + 0.5) * cells / pixels - 0.5, 0, cells - 1);
        int lower = (int)Math.Clamp(Math.Floor(position), 0, Math.Max(0, cells - 2));
        return (lower, Math.Min(lower + 1, cells - 1), position - lower);
    }

    /// <summary>
    /// Every latent a tile's step reads at <paramref name="level"/>: those it interpolates and, for the entropy model,
    /// the latents it owns with their causal context (<see cref="ArmConfig.Reach"/> rows above, as many columns either side).
    /// </summary>
    public (CellRange Y, CellRange X) Window(PixelTile tile, int level)
    {
        var shape = _grid.LevelShape(level);
        var (ry, rx) = Region(tile, level);
        int r = ArmConfig.Reach;
        var iy = Interpolated(tile.Y, tile.Height, Height, shape[0]);
        var ix = Interpolated(tile.X, tile.Width, Width, shape[1]);
        return (new CellRange(Math.Max(0, Math.Min(iy.First, ry.First - r)), Math.Max(iy.End, ry.End)),
                new CellRange(Math.Max(0, Math.Min(ix.First, rx.First - r)), Math.Min(shape[1], Math.Max(ix.End, rx.End + r))));
    }

    /// <summary>The latents of every level a step over <paramref name="tiles"/> reads (its windows, overlaps counted twice).</summary>
    public long WindowLatents(IEnumerable<PixelTile> tiles) =>
        tiles.Sum(t => Enumerable.Range(0, _grid.Levels).Sum(l => { var (y, x) = Window(t, l); return (long)y.Length * x.Length; }));
}

/// <summary>Cells [First, End) along one axis.</summary>
public readonly record struct CellRange(int First, int End)
{
    public int Length => End - First;
}
