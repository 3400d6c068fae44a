using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Samples;

/// <summary>
/// Every sample of a regular grid (image, clip, volume), kept as its own integers (uint8 for 8-bit sources, int32
/// otherwise) or floats and converted per batch: sample i's coordinates are computed from i exactly as
/// <see cref="SampleGrid.Coordinate"/> does (in double, x fastest), its values are integer · (1/max) in float32 as
/// the signals' Values() give them, so a batch holds the very numbers a full-signal tensor would.
/// </summary>
public sealed class GridSamples : ITrainingSamples
{
    private readonly Tensor _values;      // [count, channels]
    private readonly Tensor? _scale;      // float32 scalar 1/max, or null for float values
    private readonly long[] _dimensions;  // slowest axis first

    private GridSamples(IReadOnlyList<int> dimensions, int channels, Tensor values, Tensor? scale)
    {
        _dimensions = dimensions.Select(d => (long)d).ToArray();
        Count = _dimensions.Aggregate(1L, (a, d) => a * d);
        Channels = channels;
        if (values.numel() != Count * channels) throw new ArgumentException("the values do not cover the grid");
        _values = values.reshape(Count, channels);
        _scale = scale;
    }

    /// <summary>Integer samples of <paramref name="bitDepth"/> bits, grid order with channels interleaved.</summary>
    public static GridSamples FromIntegers(IReadOnlyList<int> dimensions, int channels, int bitDepth, ReadOnlySpan<ushort> samples)
    {
        Tensor values;
        if (bitDepth <= 8)
        {
            var bytes = new byte[samples.Length];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)samples[i];
            values = tensor(bytes, ScalarType.Byte);
        }
        else
        {
            var ints = new int[samples.Length];
            for (int i = 0; i < ints.Length; i++) ints[i] = samples[i];
            values = tensor(ints);
        }
        return new GridSamples(dimensions, channels, values, tensor(1f / ((1 << bitDepth) - 1)));
    }

    /// <summary>Values in [0, 1] already (float sources), grid order with channels interleaved.</summary>
    public static GridSamples FromValues(IReadOnlyList<int> dimensions, int channels, float[] values) =>
        new(dimensions, channels, tensor(values), null);

    public long Count { get; }

    public int CoordinateDims => _dimensions.Length;

    public int Channels { get; }

    public long Bytes => _values.numel() * _values.element_size();

    public (Tensor Coordinates, Tensor Targets) Gather(Tensor indices) => (Coordinates(indices), Targets(_values.index_select(0, indices)));

    public (Tensor Coordinates, Tensor Targets) Slice(long start, long length)
    {
        using var indices = arange(start, start + length, dtype: ScalarType.Int64);
        return (Coordinates(indices), Targets(_values.narrow(0, start, length)));
    }

    private Tensor Targets(Tensor raw)
    {
        if (_scale is null) return raw.to(ScalarType.Float32, copy: true);
        using var floats = raw.to(ScalarType.Float32);
        return floats.mul(_scale);
    }

    /// <summary>[n, dims]: axis values of each index (x, the fastest axis, first), at cell centres (2i + 1)/n − 1.</summary>
    private Tensor Coordinates(Tensor indices)
    {
        using var scope = NewDisposeScope();
        var columns = new List<Tensor>();
        var rest = indices;
        for (int axis = _dimensions.Length - 1; axis >= 0; axis--)
        {
            long n = _dimensions[axis];
            var index = rest.remainder(n);
            rest = rest.div(n, rounding_mode: RoundingMode.floor);
            // As SampleGrid.Coordinate: (2i + 1) exact in int64, then / n and − 1 in double, then one rounding to float.
            columns.Add(index.mul(2).add_(1).to(ScalarType.Float64).div_(n).sub_(1).to(ScalarType.Float32));
        }
        return stack(columns, 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _values.Dispose();
        _scale?.Dispose();
    }
}
