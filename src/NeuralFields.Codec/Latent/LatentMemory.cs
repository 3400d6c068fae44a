using NeuralFields.Core.Encodings;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// How a latent-grid training step covers the image: every pixel and every latent (<see cref="Full"/>), or
/// <see cref="TilesPerStep"/> random tiles of <see cref="Tile"/> x <see cref="Tile"/> pixels, their pixels for the
/// distortion and the latents they own for the rate (<see cref="LatentTiling"/>), for images whose full step does not
/// fit the memory budget.
/// </summary>
public sealed record LatentBatching(int Tile, int TilesPerStep)
{
    public static LatentBatching Full { get; } = new(0, 0);

    public bool IsFull => TilesPerStep == 0;

    /// <summary>Pixels a step trains on (a whole tile each; edge tiles hold fewer).</summary>
    public long Pixels => (long)Tile * Tile * TilesPerStep;

    public override string ToString() => IsFull
        ? "every pixel and latent each step"
        : $"{TilesPerStep} random tiles of {Tile}x{Tile} pixels per step, the rate on the latents they own";
}

/// <summary>
/// What training a latent-grid file holds in memory, before anything is allocated: the synthesis path per pixel
/// of a batch (as <see cref="MemoryEstimate.BytesPerSample"/> counts it), and per latent a step reads (every latent,
/// or the tiles' windows) the soft rounding's temporaries, the entropy model's convolution outputs before and after
/// each activation and the Laplace rate's temporaries, each with its gradient. Checked against peak resident memory:
/// kodim03 (768x512, the latent preset, full steps) peaked at 0.88 GB; this gives 0.98 GB.
/// </summary>
public static class LatentMemory
{
    /// <summary>Element-wise tensors per latent kept for backward, counted from their code: soft rounding (twice, with its noise) over every latent, the Laplace rate over those it covers.</summary>
    private const int RoundingFloats = 12, RateFloats = 16;

    /// <summary>Side of the tiles a large image trains on: 256 pixels is 4 cells of the default preset's coarsest level.</summary>
    public const int TileSize = 256;

    /// <summary>The most tiles a step takes when the full step does not fit (2^20 pixels).</summary>
    public const int MostTiles = 16;

    public static MemoryEstimate Of(FieldConfig config, SignalInfo signal, LatentBatching? batching = null)
    {
        batching ??= LatentBatching.Full;
        var grid = ((LatentGridConfig)config.Encoding).For(signal.Dimensions);
        config = config with { Encoding = grid };
        long pixels = signal.SampleCount;
        bool tiled = !batching.IsFull && batching.Pixels < pixels;
        // A tiled step reads its tiles' windows; counted for interior tiles, which read the most.
        var tiling = tiled ? new LatentTiling(grid, batching.Tile) : null;
        long latents = tiled
            ? batching.TilesPerStep * tiling!.WindowLatents([new PixelTile(batching.Tile, batching.Tile, batching.Tile, batching.Tile)])
            : Enumerable.Range(0, grid.Levels).Sum(l => grid.LevelShape(l).Aggregate(1L, (a, d) => a * d));
        var arm = grid.Arm;
        long perLatent = RoundingFloats + 2L * (1 + 2L * arm.Width * arm.HiddenLayers + ArmConfig.Outputs) + RateFloats;
        var perPixel = MemoryEstimate.Of(config, signal, tiled ? batching.Pixels : pixels);
        // A tiled run also keeps every pixel's coordinates and targets, from which it gathers its tiles.
        long dataset = tiled ? 4L * pixels * (signal.CoordinateDims + signal.Channels) : 0;
        return perPixel with { Batch = perPixel.Batch + dataset + 4 * perLatent * latents };
    }

    /// <summary>
    /// Full steps when they fit <paramref name="budget"/> bytes; otherwise the most tiles of <see cref="TileSize"/>
    /// pixels, from <see cref="MostTiles"/> down by halves to one, that fit. Refuses, before any work, an image whose
    /// training does not fit even with one tile.
    /// </summary>
    public static LatentBatching Plan(FieldConfig config, SignalInfo signal, long budget)
    {
        if (Of(config, signal).Total <= budget) return LatentBatching.Full;
        var smallest = new LatentBatching(TileSize, 1);
        for (int tiles = MostTiles; tiles >= 1; tiles /= 2)
        {
            var batching = new LatentBatching(TileSize, tiles);
            if (batching.Pixels >= signal.SampleCount) continue;
            if (Of(config, signal, batching).Total <= budget) return batching;
        }
        throw new NeuralFieldsException(
            $"training latent grids for this {string.Join('x', signal.Dimensions.Reverse())} image needs about {Of(config, signal, smallest)}, " +
            $"over the memory budget of {MemoryEstimate.Gigabytes(budget)}: raise --memory if the machine has it, or compress a smaller image");
    }
}
