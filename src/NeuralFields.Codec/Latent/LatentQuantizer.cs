using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Codec.Format;
using NeuralFields.Core.Models;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// The tensors of a latent-grid file: latents as the integers round(gain · θ) (step 1/gain, what training rounded
/// to), every network tensor on a power-of-two step 2^−k (the fixed-point ARM needs it; the synthesis is given
/// the same form), k per tensor group chosen by the caller, and each tensor's bit width the least that holds it.
/// </summary>
public static class LatentQuantizer
{
    /// <param name="synthesisFraction">k of the synthesis network's step 2^−k.</param>
    /// <param name="armFraction">k of the entropy model's step 2^−k.</param>
    public static List<QuantizedTensor> Quantize(FieldModel model, int synthesisFraction, int armFraction)
    {
        var grid = (LatentGridConfig)model.Config.Encoding;
        return ModelTensors.Of(model).Select(t =>
        {
            var values = ModelTensors.Values(t.Parameter);
            if (LatentGridConfig.IsLatent(t.Name))
                return Tensor(t.Name, t.Shape, values, 1f / grid.Gain);
            int k = t.Name.StartsWith(Schema.FieldLayout.EncodingPrefix + ".", StringComparison.Ordinal) ? armFraction : synthesisFraction;
            return Tensor(t.Name, t.Shape, values, MathF.ScaleB(1f, -k));
        }).ToList();
    }

    /// <summary>q = round-half-even(v / step), clamped to 16 bits; bits = the fewest (≥ 2) whose range holds every |q|.</summary>
    public static QuantizedTensor Tensor(string name, int[] shape, float[] values, float step)
    {
        int maxLevel = QuantizedTensor.MaxLevelFor(Decoder.NeuralFileFormat.MaxBits);
        var q = new int[values.Length];
        int largest = 0;
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = (int)Math.Clamp(Math.Round(values[i] / (double)step, MidpointRounding.ToEven), -maxLevel, maxLevel);
            largest = Math.Max(largest, Math.Abs(q[i]));
        }
        int bits = Decoder.NeuralFileFormat.MinBits;
        while (QuantizedTensor.MaxLevelFor(bits) < largest) bits++;
        return new QuantizedTensor(name, shape, bits, QuantizationGranularity.Tensor, [step], q);
    }
}
