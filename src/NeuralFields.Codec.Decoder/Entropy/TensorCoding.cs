using NeuralFields.Codec.Decoder.Quantization;

namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// The weight stream: every tensor's integers in file order, row-major, each tensor with a fresh
/// one-context integer model (layers differ in spread; contexts from neighbouring weights were tried
/// and cost more than they saved on trained SIREN weights, which are close to uniformly spread).
/// </summary>
public static class TensorCoding
{
    public static void Encode(RangeEncoder encoder, IEnumerable<QuantizedTensor> tensors)
    {
        foreach (var tensor in tensors)
        {
            var model = new IntegerModel(1);
            foreach (int v in tensor.Values) model.Encode(encoder, v, 0);
        }
    }

    /// <summary>Fills <paramref name="values"/>[i] for each tensor; an integer beyond the tensor's bit width is damage.</summary>
    public static void Decode(RangeDecoder decoder, IReadOnlyList<(int MaxLevel, int[] Values)> tensors)
    {
        foreach (var (maxLevel, values) in tensors)
        {
            var model = new IntegerModel(1);
            for (int i = 0; i < values.Length; i++)
            {
                int v = model.Decode(decoder, 0);
                if (v > maxLevel || v < -maxLevel)
                    throw new NeuralFileException("the weight stream is damaged (a value beyond its bit width)");
                values[i] = v;
            }
        }
    }
}
