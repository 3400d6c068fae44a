using NeuralFields.Codec.Decoder.Quantization;

namespace NeuralFields.Codec.Quantization;

/// <summary>
/// Symmetric uniform quantisation: step = max|w| / (2^(b−1) − 1) per tensor or per row (output
/// channel), q = round(w / step), so |w − q·step| ≤ step/2 and zero stays exact. The same function
/// quantises after training and inside quantisation-aware fine-tuning, so both see the same integers.
/// </summary>
public static class UniformQuantizer
{
    public static QuantizedTensor Quantize(string name, int[] shape, ReadOnlySpan<float> values, int bits, QuantizationGranularity granularity)
    {
        int maxLevel = QuantizedTensor.MaxLevelFor(bits);
        int rows = QuantizedTensor.StepCount(shape, granularity);
        int rowLength = values.Length / rows;
        var steps = new float[rows];
        var q = new int[values.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = values.Slice(r * rowLength, rowLength);
            float max = 0;
            foreach (float v in row) max = Math.Max(max, Math.Abs(v));
            float step = (float)((double)max / maxLevel);
            steps[r] = step;
            if (step == 0 || !float.IsFinite(step)) continue;
            for (int i = 0; i < row.Length; i++)
                q[r * rowLength + i] = (int)Math.Clamp(Math.Round(row[i] / (double)step), -maxLevel, maxLevel);
        }
        return new QuantizedTensor(name, shape, bits, granularity, steps, q);
    }

    /// <summary>The values a quantised model computes with: quantise, then dequantise.</summary>
    public static float[] RoundTrip(string name, int[] shape, ReadOnlySpan<float> values, int bits, QuantizationGranularity granularity) =>
        Quantize(name, shape, values, bits, granularity).Dequantize();
}
