using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>Multiplications the decoder spends per grid point (pixel), the codec's measure of decoding cost.</summary>
public static class DecodeCost
{
    /// <summary>The network's per query (every linear layer), the latent grids' interpolation (8 per level in 2-D), for latent grids the ARM per latent times latents per pixel, and the post filter's taps.</summary>
    public static long MultiplicationsPerPixel(FieldConfig config, SignalInfo signal)
    {
        var layout = FieldLayout.Of(config, signal);
        long network = layout.Tensors.Where(t => t.Name.StartsWith(FieldLayout.NetworkPrefix + ".", StringComparison.Ordinal) && t.Shape.Length == 2)
            .Sum(t => t.Elements) * layout.QueriesPerSample;
        network += (FieldLayout.PostFilterOf(config, signal)?.Taps(signal.Channels) ?? 0) * signal.Channels;
        if (config.Encoding is not LatentGridConfig grid) return network;
        long latents = Enumerable.Range(0, grid.Levels).Sum(l => grid.LevelShape(l).Aggregate(1L, (a, d) => a * d));
        double perPixel = (double)latents / signal.SampleCount;
        long interpolation = (1L << signal.CoordinateDims) * signal.CoordinateDims;      // 2^d corners, d blends each: 8 for an image
        return network + interpolation * grid.Levels + (long)Math.Round(grid.Arm.Multiplications * perPixel);
    }
}
