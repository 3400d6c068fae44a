using System.Runtime.CompilerServices;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>
/// The field of a neural file, computed in a fixed order in float32: queries are built per block of
/// samples, encoded, passed through each linear layer (z_o = Σ_i W[o,i]·x_i summed in i order, then + b_o)
/// and its activation, and mapped by the head to integer samples (through the post filter first, when the file has one). Blocks are independent, so running
/// them in parallel changes nothing in the result.
/// </summary>
public sealed class FieldEvaluator
{
    private const int BlockSamples = 256;

    private readonly SignalInfo _signal;
    private readonly OutputHead _head;
    private readonly FeatureEncoder _encoder;
    private readonly (float[] Weight, float[] Bias, int Inputs, int Outputs)[] _layers;
    private readonly LayerActivation _activation;
    private readonly int _queries;
    private readonly bool _bitCoordinate;
    private readonly int _maxWidth;
    private readonly PostFilter? _filter;

    /// <summary>Builds the evaluator from dequantised tensors named as in <see cref="ModelLayout.Tensors"/>.</summary>
    public FieldEvaluator(FieldConfig config, SignalInfo signal, IReadOnlyDictionary<string, float[]> tensors)
    {
        var layout = ModelLayout.Tensors(config, signal);
        foreach (var (name, shape) in layout)
            if (!tensors.TryGetValue(name, out var values) || values.LongLength != shape.Aggregate(1L, (a, d) => a * d))
                throw new ArgumentException($"tensor {name} is missing or has the wrong size");
        var widths = FieldLayout.Of(config, signal);
        _signal = signal;
        _head = OutputHead.Create(config.Head, signal);
        _queries = widths.QueriesPerSample;
        _bitCoordinate = widths.InputDims > signal.CoordinateDims;   // the one extra coordinate a head adds is the bit index
        _encoder = FeatureEncoder.Create(config.Encoding.ForSignal(signal.Dimensions), widths.InputDims, tensors);
        var mlp = (MlpConfig)config.Network;
        _activation = LayerActivation.Create(mlp.Activation);
        int width = _encoder.Outputs;
        _layers = new (float[], float[], int, int)[mlp.HiddenLayers + 1];
        for (int i = 0; i < _layers.Length; i++)
        {
            int outputs = i == mlp.HiddenLayers ? widths.OutputsPerQuery : mlp.Width;
            string layer = FieldLayout.Network(MlpConfig.Layer(i));
            _layers[i] = (tensors[LinearLayer.Weight(layer)], tensors[LinearLayer.Bias(layer)], width, outputs);
            width = outputs;
        }
        _maxWidth = Math.Max(Math.Max(_encoder.Outputs, _encoder.InputDims), _layers.Max(l => l.Outputs));
        if (FieldLayout.PostFilterOf(config, signal) is { } filter)
            _filter = new PostFilter(filter, signal.Channels, tensors[LinearLayer.Weight(FieldLayout.FilterPrefix)], tensors[LinearLayer.Bias(FieldLayout.FilterPrefix)]);
    }

    public SignalInfo Signal => _signal;

    /// <summary>Integer samples of the whole grid, [points, channels] in grid order.</summary>
    public int[] Integers()
    {
        if (_filter is not null)
            return Values().Select(v => Quantize(v, _signal.MaxValue)).ToArray();
        var result = new int[_signal.SampleCount * _signal.Channels];
        ForEachBlock((first, count, scratch) => Block(first, count, scratch, result.AsSpan((int)(first * _signal.Channels), count * _signal.Channels), null));
        return result;
    }

    /// <summary>
    /// The field's values in [0,1] before rounding to integers (what the TorchSharp model's Predict gives:
    /// linear and sigmoid heads unclamped, bit-plane heads integer/(2^n − 1)), after the post filter when the file has one.
    /// </summary>
    public float[] Values() => _filter is null ? NetworkValues() : _filter.Apply(NetworkValues(), _signal.Dimensions[0], _signal.Dimensions[1]);

    /// <summary>The network's values before any post filter: what a codec fits the filter to.</summary>
    public float[] NetworkValues()
    {
        var result = new float[_signal.SampleCount * _signal.Channels];
        ForEachBlock((first, count, scratch) => Block(first, count, scratch, null, result.AsSpan((int)(first * _signal.Channels), count * _signal.Channels)));
        return result;
    }

    /// <summary>The integer a value in [0,1] becomes: NaN → 0, clamp, v·(2^n − 1) in float32, round half to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Quantize(float value, int maxValue)
    {
        float v = float.IsNaN(value) ? 0f : Math.Clamp(value, 0f, 1f);
        float scaled = v * maxValue;
        return (int)Math.Round(scaled, MidpointRounding.ToEven);
    }

    /// <summary>
    /// The bit coordinates of the bit-plane head's queries, as torch.linspace(−1, 1, n) computes them in
    /// float32: the first half counts up from −1, the second half down from 1.
    /// </summary>
    public static float BitCoordinate(int bit, int bits)
    {
        if (bits == 1) return -1f;
        float step = 2f / (bits - 1);
        return bit < bits / 2 ? -1f + step * bit : 1f - step * (bits - 1 - bit);
    }

    private sealed class Scratch(int inputs, int width, int outputs, int queries)
    {
        public readonly float[] Input = new float[inputs * queries];
        public readonly float[] A = new float[width * queries];
        public readonly float[] B = new float[width * queries];
        public readonly int[] Sample = new int[outputs];
    }

    private void ForEachBlock(Action<long, int, Scratch> body)
    {
        long points = _signal.SampleCount;
        long blocks = (points + BlockSamples - 1) / BlockSamples;
        Parallel.For(0L, blocks,
            () => new Scratch(_encoder.InputDims, _maxWidth, _signal.Channels, BlockSamples * _queries),
            (block, _, scratch) =>
            {
                long first = block * BlockSamples;
                body(first, (int)Math.Min(BlockSamples, points - first), scratch);
                return scratch;
            },
            _ => { });
    }

    /// <summary>Samples [first, first + count): integers into <paramref name="integers"/> or values into <paramref name="values"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Block(long first, int count, Scratch scratch, Span<int> integers, Span<float> values)
    {
        int q = count * _queries;
        FillQueries(first, count, q, scratch.Input);
        _encoder.Encode(scratch.Input, q, scratch.A);
        float[] x = scratch.A, y = scratch.B;
        for (int l = 0; l < _layers.Length; l++)
        {
            var (weight, bias, inputs, outputs) = _layers[l];
            for (int o = 0; o < outputs; o++)
            {
                var acc = y.AsSpan(o * q, q);
                acc.Clear();
                for (int i = 0; i < inputs; i++)
                    Kernels.MultiplyAdd(acc, x.AsSpan(i * q, q), weight[o * inputs + i]);
                Kernels.AddScalar(acc, bias[o]);
                if (l < _layers.Length - 1)
                    _activation.Apply(acc, l);
            }
            (x, y) = (y, x);
        }
        MapHead(x, q, count, integers, values);
    }

    /// <summary>Query coordinates feature-major [dims][q]: x first (the fastest axis), then y, …, then the bit coordinate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillQueries(long first, int count, int q, float[] input)
    {
        var dims = _signal.Dimensions;
        int rank = dims.Length;
        Span<long> index = stackalloc long[rank];
        long rest = first;
        for (int axis = rank - 1; axis >= 0; axis--)
        {
            index[axis] = rest % dims[axis];
            rest /= dims[axis];
        }
        for (int s = 0; s < count; s++)
        {
            for (int k = 0; k < rank; k++)
            {
                int axis = rank - 1 - k;
                float coordinate = SampleGrid.Coordinate(index[axis], dims[axis]);
                for (int b = 0; b < _queries; b++) input[k * q + s * _queries + b] = coordinate;
            }
            if (_bitCoordinate)
                for (int b = 0; b < _queries; b++) input[rank * q + s * _queries + b] = BitCoordinate(b, _queries);
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                if (++index[axis] < dims[axis]) break;
                index[axis] = 0;
            }
        }
    }

    /// <summary>Raw outputs [outputs][q] → per sample integers (and optionally values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MapHead(float[] raw, int q, int count, Span<int> integers, Span<float> values)
    {
        int channels = _signal.Channels;
        for (int s = 0; s < count; s++)
            for (int c = 0; c < channels; c++)
            {
                var (integer, value) = _head.Map(raw, q, s, c);
                if (!integers.IsEmpty) integers[s * channels + c] = integer;
                if (!values.IsEmpty) values[s * channels + c] = value;
            }
    }
}
