using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Latent;

/// <summary>
/// The second stream of a latent-grid file: the latents of every level, coded with the file's own fixed-point ARM.
/// The writer calls the same <see cref="LatentCoding"/> the reader does, so the probabilities it codes with are the
/// decoder's by construction.
/// </summary>
public static class LatentPayload
{
    public static byte[] Encode(LatentGridConfig config, IReadOnlyList<QuantizedTensor> tensors)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        CheckSteps(config, tensors.Select(t => new TensorEntry(t.Name, t.Shape, t.Bits, t.Granularity, t.Steps)).ToList());
        var arm = Arm(config, byName);
        var levels = Enumerable.Range(0, config.Levels).Select(l => byName[LatentName(l)].Values).ToList();
        return LatentCoding.Encode(config, arm, levels);
    }

    /// <summary>Fills the latent tensors of <paramref name="tensors"/> (their other tensors already decoded) from the stream.</summary>
    public static void Decode(byte[] bytes, int offset, int length, LatentGridConfig config, IReadOnlyList<QuantizedTensor> tensors)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        var arm = Arm(config, byName);
        var decoder = new RangeDecoder(bytes, offset, length);
        var levels = Enumerable.Range(0, config.Levels).Select(l => byName[LatentName(l)]).Select(t => (t.MaxLevel, t.Values)).ToList();
        LatentCoding.Decode(decoder, config, arm, levels);
        if (!decoder.EndedExactly) throw new NeuralFileException("the file is damaged: the latent stream does not end where its length says");
    }

    /// <summary>Latent grids hold integers / gain: one step of exactly 1/gain per grid.</summary>
    public static void CheckSteps(LatentGridConfig config, IReadOnlyList<TensorEntry> tensors)
    {
        float step = 1f / config.Gain;
        foreach (var t in tensors.Where(t => LatentGridConfig.IsLatent(t.Name)))
            if (t.Granularity != QuantizationGranularity.Tensor || t.Steps[0] != step)
                throw new NeuralFileException($"the file is damaged: latent grid {t.Name} has a step other than 1/{config.Gain}");
    }

    public static FixedPointArm Arm(LatentGridConfig config, IReadOnlyDictionary<string, QuantizedTensor> tensors) =>
        new(config.Arm, tensors, FieldLayout.Encoding(LatentGridConfig.ArmPrefix));

    private static string LatentName(int level) => FieldLayout.Encoding(LatentGridConfig.LatentName(level));
}
