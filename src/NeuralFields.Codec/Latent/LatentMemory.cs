using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// What training a latent-grid file holds in memory, before anything is allocated: the synthesis path per pixel
/// (as <see cref="MemoryEstimate.BytesPerSample"/> counts it, every pixel in every step), and per latent the
/// entropy model's convolution outputs before and after each activation, the rounding's and the Laplace rate's
/// element-wise temporaries, each with its gradient. Checked against peak resident memory: kodim03 (768x512,
/// the latent preset) peaked at 0.88 GB; this gives 0.98 GB.
/// </summary>
public static class LatentMemory
{
    /// <summary>Element-wise tensors the soft rounding and the Laplace rate keep per latent for backward (counted from their code).</summary>
    private const int RoundingAndRateFloats = 28;

    public static MemoryEstimate Of(FieldConfig config, SignalInfo signal)
    {
        var grid = ((LatentGridConfig)config.Encoding).For(signal.Dimensions);
        config = config with { Encoding = grid };
        long latents = Enumerable.Range(0, grid.Levels).Sum(l => grid.LevelShape(l).Aggregate(1L, (a, d) => a * d));
        var arm = grid.Arm;
        long armFloats = 2L * (1 + 2L * arm.Width * arm.HiddenLayers + ArmConfig.Outputs) + RoundingAndRateFloats;
        var perPixel = MemoryEstimate.Of(config, signal, signal.SampleCount);
        return perPixel with { Batch = perPixel.Batch + 4 * armFloats * latents };
    }

    /// <summary>Refuses, before any work, an image whose training would not fit <paramref name="budget"/> bytes.</summary>
    public static void Require(FieldConfig config, SignalInfo signal, long budget)
    {
        var estimate = Of(config, signal);
        if (estimate.Total > budget)
            throw new NeuralFieldsException(
                $"training latent grids for this {string.Join('x', signal.Dimensions.Reverse())} image needs about {estimate}, " +
                $"over the memory budget of {MemoryEstimate.Gigabytes(budget)}: raise --memory if the machine has it, or compress a smaller image");
    }
}
