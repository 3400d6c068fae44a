using NeuralFields.Codec.Decoder.Quantization;

namespace NeuralFields.Codec.Quantization;

/// <summary>
/// The bit width and granularity of each stored tensor: weights and hash tables at <see cref="Bits"/>;
/// linear weights per output channel when <see cref="Granularity"/> says so (each row gets its own step);
/// biases, a tiny share of the parameters but shifted by ω0 = 30 in a sine network, at no fewer than
/// <see cref="MinBiasBits"/>.
/// </summary>
public sealed record QuantizationPlan(int Bits, QuantizationGranularity Granularity = QuantizationGranularity.Tensor, int MinBiasBits = 8)
{
    public (int Bits, QuantizationGranularity Granularity) For(string name, int[] shape)
    {
        if (name.EndsWith(".bias", StringComparison.Ordinal))
            return (Math.Max(Bits, MinBiasBits), QuantizationGranularity.Tensor);
        if (name.StartsWith("network.", StringComparison.Ordinal) && shape.Length == 2)
            return (Bits, Granularity);
        return (Bits, QuantizationGranularity.Tensor);
    }
}
