using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// How a latent-grid training step covers the image: every pixel and every latent (<see cref="Full"/>), or random
/// batches of <see cref="PixelBatch"/> pixels for the distortion and a random band of <see cref="RateFraction"/> of
/// each level's rows for the rate, for images whose full step does not fit the memory budget.
/// </summary>
public sealed record LatentBatching(long PixelBatch, double RateFraction)
{
    public static LatentBatching Full { get; } = new(0, 1);

    public bool IsFull => PixelBatch == 0 && RateFraction >= 1;

    public override string ToString() => IsFull
        ? "every pixel and latent each step"
        : $"random batches of {PixelBatch:N0} pixels, the rate on {100 * RateFraction:0.#}% of each level's rows per step";
}

/// <summary>
/// What training a latent-grid file holds in memory, before anything is allocated: the synthesis path per pixel
/// of a batch (as <see cref="MemoryEstimate.BytesPerSample"/> counts it), and per latent the soft rounding's
/// temporaries over every level and, for the latents the rate covers, the entropy model's convolution outputs before
/// and after each activation and the Laplace rate's temporaries, each with its gradient. Checked against peak
/// resident memory: kodim03 (768x512, the latent preset, full steps) peaked at 0.88 GB; this gives 0.98 GB.
/// </summary>
public static class LatentMemory
{
    /// <summary>Element-wise tensors per latent kept for backward, counted from their code: soft rounding (twice, with its noise) over every latent, the Laplace rate over those it covers.</summary>
    private const int RoundingFloats = 12, RateFloats = 16;

    /// <summary>The smallest pixel batch a large image is trained with; below it the image is refused.</summary>
    public const long SmallestBatch = 1 << 16;

    /// <summary>The largest pixel batch tried when the full step does not fit.</summary>
    public const long LargestBatch = 1 << 20;

    public static MemoryEstimate Of(FieldConfig config, SignalInfo signal, LatentBatching? batching = null)
    {
        batching ??= LatentBatching.Full;
        var grid = ((LatentGridConfig)config.Encoding).For(signal.Dimensions);
        config = config with { Encoding = grid };
        long latents = Enumerable.Range(0, grid.Levels).Sum(l => grid.LevelShape(l).Aggregate(1L, (a, d) => a * d));
        var arm = grid.Arm;
        long armFloats = 2L * (1 + 2L * arm.Width * arm.HiddenLayers + ArmConfig.Outputs) + RateFloats;
        long pixels = signal.SampleCount;
        bool batched = batching.PixelBatch is > 0 && batching.PixelBatch < pixels;
        long batch = batched ? batching.PixelBatch : pixels;
        var perPixel = MemoryEstimate.Of(config, signal, batch);
        // A batched run also keeps every pixel's coordinates and targets, from which it draws its batches.
        long dataset = batched ? 4L * pixels * (signal.CoordinateDims + signal.Channels) : 0;
        long rated = (long)Math.Ceiling(latents * Math.Min(1, batching.RateFraction));
        return perPixel with { Batch = perPixel.Batch + dataset + 4 * (RoundingFloats * latents + armFloats * rated) };
    }

    /// <summary>
    /// Full steps when they fit <paramref name="budget"/> bytes; otherwise the largest power-of-two pixel batch (at most
    /// <see cref="LargestBatch"/>) with the rate on the same share of each level's rows. Refuses, before any work, an
    /// image whose training does not fit even with <see cref="SmallestBatch"/>.
    /// </summary>
    public static LatentBatching Plan(FieldConfig config, SignalInfo signal, long budget)
    {
        if (Of(config, signal).Total <= budget) return LatentBatching.Full;
        long pixels = signal.SampleCount;
        for (long batch = LargestBatch; batch >= SmallestBatch; batch /= 2)
        {
            if (batch >= pixels) continue;
            var batching = new LatentBatching(batch, (double)batch / pixels);
            if (Of(config, signal, batching).Total <= budget) return batching;
        }
        var smallest = new LatentBatching(SmallestBatch, Math.Min(1, (double)SmallestBatch / pixels));
        string noun = signal.Modality switch { "audio" => "clip", "volume" => "volume", _ => "image" };
        throw new NeuralFieldsException(
            $"training latent grids for this {string.Join('x', signal.Dimensions.Reverse())} {noun} needs about {Of(config, signal, pixels > SmallestBatch ? smallest : null)}, " +
            $"over the memory budget of {MemoryEstimate.Gigabytes(budget)}: raise --memory if the machine has it, or compress a smaller {noun}");
    }
}
