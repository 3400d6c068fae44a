using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>Multiplications the decoder spends per grid point (pixel), the codec's measure of decoding cost.</summary>
public static class DecodeCost
{
    /// <summary>The network's per query (every linear layer), the latent grids' interpolation (8 per level) and, for latent grids, the ARM per latent times latents per pixel.</summary>
    public static long MultiplicationsPerPixel(FieldConfig config, SignalInfo signal)
    {
        var layout = FieldLayout.Of(config, signal);
        long network = layout.Tensors.Where(t => t.Name.StartsWith(FieldLayout.NetworkPrefix + ".", StringComparison.Ordinal) && t.Shape.Length == 2)
            .Sum(t => t.Elements) * layout.QueriesPerSample;
        if (config.Encoding is not LatentGridConfig grid) return network;
        long latents = Enumerable.Range(0, grid.Levels).Sum(l => grid.LevelShape(l).Aggregate(1L, (a, d) => a * d));
        double perPixel = (double)latents / signal.SampleCount;
        return network + 8L * grid.Levels + (long)Math.Round(grid.Arm.Multiplications * perPixel);
    }
}
