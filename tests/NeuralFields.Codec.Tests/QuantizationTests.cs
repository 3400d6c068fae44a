using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Codec.Quantization;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Tests;

public class QuantizationTests
{
    [Theory]
    [InlineData(8, QuantizationGranularity.Tensor)]
    [InlineData(8, QuantizationGranularity.Row)]
    [InlineData(6, QuantizationGranularity.Tensor)]
    [InlineData(6, QuantizationGranularity.Row)]
    [InlineData(4, QuantizationGranularity.Tensor)]
    [InlineData(4, QuantizationGranularity.Row)]
    public void Every_weight_is_within_half_a_step_of_its_quantised_value(int bits, QuantizationGranularity granularity)
    {
        var random = new PortableRandom((ulong)bits);
        int rows = 7, columns = 33;
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(random.NextGaussian() * Math.Pow(10, i / columns - 3));   // rows of very different spread
        values[5] = 0;
        var q = UniformQuantizer.Quantize("w", [rows, columns], values, bits, granularity);
        var restored = q.Dequantize();
        int max = QuantizedTensor.MaxLevelFor(bits);
        for (int i = 0; i < values.Length; i++)
        {
            float step = q.Steps[granularity == QuantizationGranularity.Row ? i / columns : 0];
            Assert.InRange(q.Values[i], -max, max);
            Assert.True(Math.Abs(values[i] - restored[i]) <= step / 2 * (1 + 1e-6) + 1e-7f * Math.Abs(values[i]),
                $"w {values[i]}, q(w) {restored[i]}, step {step}");
        }
        Assert.Equal(0f, restored[5]);
    }

    [Fact]
    public void Per_row_steps_follow_each_rows_largest_weight_and_zero_rows_stay_zero()
    {
        float[] values = [0.5f, -1f, 0.25f, 0, 0, 0, 0.01f, 0.02f, -0.03f];
        var q = UniformQuantizer.Quantize("w", [3, 3], values, 8, QuantizationGranularity.Row);
        Assert.Equal(1f / 127, q.Steps[0], 6);
        Assert.Equal(0f, q.Steps[1]);
        Assert.Equal(0.03f / 127, q.Steps[2], 8);
        Assert.Equal([64, -127, 32, 0, 0, 0, 42, 85, -127], q.Values);
    }

    [Fact]
    public void Biases_and_the_first_and_last_layers_keep_twelve_bits_and_only_linear_weights_go_per_row()
    {
        var plan = new QuantizationPlan(4, QuantizationGranularity.Row);
        Assert.Equal((12, QuantizationGranularity.Tensor), plan.For("network.layers.1.bias", [16], 3));
        Assert.Equal((12, QuantizationGranularity.Row), plan.For("network.layers.0.weight", [16, 2], 3));
        Assert.Equal((12, QuantizationGranularity.Row), plan.For("network.layers.3.weight", [3, 16], 3));
        Assert.Equal((4, QuantizationGranularity.Row), plan.For("network.layers.1.weight", [16, 16], 3));
        Assert.Equal((4, QuantizationGranularity.Tensor), plan.For("encoding.table", [64, 2], 3));
        Assert.Equal((16, QuantizationGranularity.Tensor), new QuantizationPlan(16).For("network.layers.1.bias", [16], 3));
    }
}
