namespace NeuralFields.Codec.Decoder.Quantization;

/// <summary>How many quantisation steps a tensor has: one for all of it, or one per row (axis 0: a layer's output channel).</summary>
public enum QuantizationGranularity : byte
{
    Tensor = 0,
    Row = 1,
}

/// <summary>
/// A tensor stored as integers q in [−(2^(b−1) − 1), 2^(b−1) − 1] and float32 step sizes; its value is
/// the float32 product q · step (one rounding), the same on every machine.
/// </summary>
public sealed class QuantizedTensor
{
    public QuantizedTensor(string name, int[] shape, int bits, QuantizationGranularity granularity, float[] steps, int[] values)
    {
        if (bits is < NeuralFileFormat.MinBits or > NeuralFileFormat.MaxBits) throw new ArgumentOutOfRangeException(nameof(bits));
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (values.Length != count) throw new ArgumentException($"{name}: {values.Length} values for shape [{string.Join(", ", shape)}]");
        if (steps.Length != StepCount(shape, granularity)) throw new ArgumentException($"{name}: wrong number of steps");
        (Name, Shape, Bits, Granularity, Steps, Values) = (name, shape, bits, granularity, steps, values);
    }

    public string Name { get; }
    public int[] Shape { get; }
    public int Bits { get; }
    public QuantizationGranularity Granularity { get; }
    public float[] Steps { get; }
    public int[] Values { get; }

    /// <summary>Largest |q|: 2^(bits−1) − 1 (symmetric, so zero is exact).</summary>
    public int MaxLevel => MaxLevelFor(Bits);

    public static int MaxLevelFor(int bits) => (1 << (bits - 1)) - 1;

    public static int StepCount(int[] shape, QuantizationGranularity granularity) =>
        granularity == QuantizationGranularity.Row ? shape[0] : 1;

    public float[] Dequantize()
    {
        var result = new float[Values.Length];
        int rowLength = Granularity == QuantizationGranularity.Row ? Values.Length / Shape[0] : Values.Length;
        for (int i = 0; i < result.Length; i++)
            result[i] = Values[i] * Steps[rowLength == 0 ? 0 : i / rowLength];
        return result;
    }
}
