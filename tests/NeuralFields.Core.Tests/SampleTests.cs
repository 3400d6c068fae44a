using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Samples;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

/// <summary>Grid samples kept as integers give the very pairs a full float tensor holds; chunked evaluation does not depend on the chunk.</summary>
public class SampleTests
{
    [Theory]
    [InlineData(new[] { 5, 7 }, 3, 8)]
    [InlineData(new[] { 3, 4, 5 }, 1, 16)]
    [InlineData(new[] { 11 }, 2, 12)]
    public void Grid_samples_equal_the_full_coordinate_and_value_arrays(int[] dimensions, int channels, int bits)
    {
        Torch.EnsureLoaded();
        long count = dimensions.Aggregate(1L, (a, d) => a * d);
        var random = new Random(3);
        var integers = Enumerable.Range(0, (int)count * channels).Select(_ => (ushort)random.Next(1 << bits)).ToArray();
        using var samples = GridSamples.FromIntegers(dimensions, channels, bits, integers);
        float scale = 1f / ((1 << bits) - 1);
        var expectedValues = integers.Select(s => s * scale).ToArray();
        var expectedCoordinates = SampleGrid.Coordinates(dimensions);

        var (x, y) = samples.Slice(0, count);
        Assert.Equal(expectedCoordinates, x.contiguous().data<float>().ToArray());
        Assert.Equal(expectedValues, y.contiguous().data<float>().ToArray());

        using var picked = tensor(new long[] { count - 1, 0, count / 2 });
        var (px, py) = samples.Gather(picked);
        var rows = new[] { count - 1, 0, count / 2 };
        Assert.Equal(rows.SelectMany(r => expectedCoordinates.Skip((int)r * dimensions.Length).Take(dimensions.Length)), px.contiguous().data<float>().ToArray());
        Assert.Equal(rows.SelectMany(r => expectedValues.Skip((int)r * channels).Take(channels)), py.contiguous().data<float>().ToArray());
        Assert.Equal(count * channels * (bits <= 8 ? 1 : 4), samples.Bytes);
    }

    [Fact]
    public void Chunked_evaluation_equals_the_one_chunk_evaluation_bit_for_bit()
    {
        var (coordinates, targets, info) = TestSignals.ImageTensors(100);   // 10,000 samples: three prediction blocks
        Torch.Seed(2);
        var model = new FieldModel(Presets.Load("relu-rff"), info);
        using var samples = new TensorSamples(coordinates, targets);
        double whole = SignalPsnr.Of(model, samples, chunk: 10_000);
        foreach (int chunk in new[] { FieldModel.EvaluationBlock, 2 * FieldModel.EvaluationBlock, 37, 1 })
            Assert.Equal(whole, SignalPsnr.Of(model, samples, chunk: chunk));
    }
}
