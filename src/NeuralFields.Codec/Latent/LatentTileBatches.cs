using NeuralFields.Core.Encodings;
using NeuralFields.Core.Training;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// A tiled run's batches: step s draws <paramref name="tiles"/> tiles uniformly from a generator seeded by (seed, s),
/// hands them to the grids (<see cref="LatentGridEncoding.UseTiles"/>) and trains on exactly their pixels.
/// </summary>
public sealed class LatentTileBatches(LatentGridEncoding encoding, LatentTiling tiling, int tiles, long seed) : IBatchDraw
{
    public long Size { get; } = Math.Min((long)tiles * tiling.Size * tiling.Size, (long)tiling.Width * tiling.Height);

    public Tensor Draw(int stepIndex)
    {
        var drawn = tiling.Draw(tiles, new Random(unchecked((int)(seed * 1_000_003 + stepIndex))));
        encoding.UseTiles(tiling, drawn);
        return tensor(tiling.PixelIndices(drawn));
    }
}
