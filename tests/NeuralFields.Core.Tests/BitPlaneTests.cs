using NeuralFields.Core.Heads;
using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class BitPlaneTests
{
    public BitPlaneTests() => Torch.EnsureLoaded();

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Recomposition_is_exact_for_every_integer(int bits)
    {
        // Logits built in C# from the bits of k (layout [N, bits, channels], bit 0 first), with a logit of
        // exactly 0 for some cleared bits: 0 means σ = 0.5, which rounds to 0.
        int count = 1 << bits;
        var logits = new float[count * bits];
        for (int k = 0; k < count; k++)
            for (int i = 0; i < bits; i++)
                logits[k * bits + i] = ((k >> i) & 1) == 1 ? 1e-3f + (k % 7) : (k % 3 == 0 ? 0f : -2.5f);
        var head = new BitPlaneHead(new BitPlaneHeadConfig(), channels: 1, bitDepth: bits);
        using var raw = tensor(logits).reshape(count, bits);

        using var integers = head.Integers(raw);
        Assert.Equal(Enumerable.Range(0, count).Select(k => (long)k).ToArray(), integers.data<long>().ToArray());
        using var values = head.Values(raw);
        float scale = 1f / ((1 << bits) - 1);
        var expected = Enumerable.Range(0, count).Select(k => k * scale).ToArray();   // ImageSignal.Values of the same samples
        Assert.Equal(expected, values.data<float>().ToArray());
        using var back = BitPlanes.Quantize(values, bits);
        Assert.Equal(integers.data<long>().ToArray(), back.data<long>().ToArray());
    }

    [Fact]
    public void Decompose_and_recompose_are_inverse_and_planes_sit_on_axis_one()
    {
        using var samples = tensor(new long[] { 0, 1, 2, 255, 200, 77 }).reshape(2, 3);   // [N = 2, channels = 3]
        using var bits = BitPlanes.Decompose(samples, 8);
        Assert.Equal([2L, 8L, 3L], bits.shape);
        Assert.Equal(1L, bits[0, 0, 1].item<long>());   // 1: bit 0 set
        Assert.Equal(1L, bits[0, 1, 2].item<long>());   // 2: bit 1 set
        Assert.Equal(0L, bits[0, 0, 2].item<long>());
        Assert.Equal(1L, bits[1, 7, 1].item<long>());   // 200: MSB set
        using var again = BitPlanes.Recompose(bits);
        Assert.Equal(samples.data<long>().ToArray(), again.data<long>().ToArray());
    }

    [Fact]
    public void Bit_error_rate_counts_each_plane()
    {
        using var target = tensor(new long[] { 0, 0, 0, 0 }).reshape(4, 1);
        using var predicted = tensor(new long[] { 1, 3, 0, 128 }).reshape(4, 1);
        var rates = BitErrorRate.PerPlane(predicted, target, 8);
        Assert.Equal([0.5, 0.25, 0, 0, 0, 0, 0, 0.25], rates);
        Assert.All(BitErrorRate.PerPlane(target, target, 8), r => Assert.Equal(0, r));
    }

    [Fact]
    public void Loss_is_bce_on_the_bits_of_the_targets()
    {
        var head = new BitPlaneHead(new BitPlaneHeadConfig(), channels: 1, bitDepth: 8);
        using var target = tensor(new[] { 5f / 255 }).reshape(1, 1);        // 5 = bits 0 and 2
        float[] right = [4, -4, 4, -4, -4, -4, -4, -4];
        using var good = tensor(right).reshape(1, 8);
        using var bad = (-good).contiguous();
        using var goodLoss = head.Loss(good, target);
        using var badLoss = head.Loss(bad, target);
        Assert.Equal(Math.Log(1 + Math.Exp(-4)), goodLoss.item<float>(), 5);   // softplus(-4) for every bit
        Assert.Equal(Math.Log(1 + Math.Exp(4)), badLoss.item<float>(), 4);
        Assert.False(head.LossIsMse);
    }

    [Fact]
    public void Coordinate_form_adds_the_bit_coordinate_lsb_first_and_callers_see_samples()
    {
        var head = new BitPlaneHead(new BitPlaneCoordinateHeadConfig(), channels: 3, bitDepth: 4);
        using var coordinates = tensor(new[] { 0.1f, 0.2f, -0.3f, 0.4f }).reshape(2, 2);
        using var queries = head.Queries(coordinates);
        Assert.Equal([8L, 3L], queries.shape);
        var q = queries.data<float>().ToArray();
        float third = 1f / 3;
        float[] expected =
        [
            0.1f, 0.2f, -1, 0.1f, 0.2f, -third, 0.1f, 0.2f, third, 0.1f, 0.2f, 1,
            -0.3f, 0.4f, -1, -0.3f, 0.4f, -third, -0.3f, 0.4f, third, -0.3f, 0.4f, 1,
        ];
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], q[i], 6);

        var config = new FieldConfig
        {
            Encoding = new IdentityEncodingConfig(),
            Network = new MlpConfig { HiddenLayers = 1, Width = 8, Activation = new SineActivationConfig() },
            Head = new BitPlaneCoordinateHeadConfig(),
        };
        var model = new FieldModel(config, new SignalInfo("image", [5, 7], 3, 16));
        Assert.Equal(3L, model.Encoding.OutputDims);
        using var grid = tensor(SampleGrid.Coordinates([5, 7])).reshape(-1, 2);
        using var raw = model.forward(grid);
        Assert.Equal([35L, 48L], raw.shape);
        using var values = model.Predict(grid);   // 256 samples (4096 queries) a block: the 35 samples in one padded block
        Assert.Equal([35L, 3L], values.shape);
        using var whole = model.Head.Values(raw);
        Assert.Equal(whole.data<float>().ToArray(), values.data<float>().ToArray());
    }

    [Fact]
    public void Multi_output_form_has_one_logit_per_bit_per_channel()
    {
        var config = new FieldConfig
        {
            Encoding = new IdentityEncodingConfig(),
            Network = new MlpConfig { HiddenLayers = 1, Width = 8, Activation = new SineActivationConfig() },
            Head = new BitPlaneHeadConfig(),
        };
        var model = new FieldModel(config, new SignalInfo("image", [4, 4], 3, 8));
        Assert.Equal(2L, model.Encoding.OutputDims);
        using var raw = model.forward(zeros(6, 2));
        Assert.Equal([6L, 24L], raw.shape);
        using var values = model.Predict(zeros(6, 2));
        Assert.Equal([6L, 3L], values.shape);
    }
}
