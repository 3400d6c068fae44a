namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// The shape and fixed-point scales of one plane's network (docs/format.md §10.4): <see cref="HiddenLayers"/> ReLU
/// layers of <see cref="Width"/> units, then an output layer that reads the last hidden layer and, as a skip path,
/// the inputs themselves, and gives the mean and log2-scale of the sample's distribution. Layer l's weights and bias
/// are integers times 2^−<see cref="WeightFractions"/>[l]; inputs are scaled by 2^−<see cref="InputShift"/>, and the
/// mean and scale come out in units of 2^<see cref="OutputShift"/> (a clip's 16 past samples are far larger than its
/// prediction errors, so the two scales differ).
/// </summary>
public sealed record PredictorShape(int Inputs, int HiddenLayers, int Width, IReadOnlyList<int> WeightFractions, int InputShift, int OutputShift)
{
    public const int MaxHiddenLayers = 3, MaxWidth = 64, MaxWeightFraction = 20, MaxInputShift = 20;

    /// <summary>Weights are stored as integers of at most 16 bits.</summary>
    public const int MaxWeight = (1 << 15) - 1;

    public const int Outputs = 2;

    /// <summary>[out, in] of every weight tensor, each followed by its bias [out], in file order.</summary>
    public IEnumerable<(int Out, int In)> Layers()
    {
        int inputs = Inputs;
        for (int l = 0; l < HiddenLayers; l++)
        {
            yield return (Width, inputs);
            inputs = Width;
        }
        yield return (Outputs, (HiddenLayers > 0 ? Width : 0) + Inputs);
    }

    public int Parameters => Layers().Sum(l => l.Out * (l.In + 1));
}

/// <summary>
/// One plane's network evaluated in integer arithmetic: activations carry <see cref="Fraction"/> fractional bits,
/// sums are exact in 64 bits, shifts floor, so every machine gets the same mean and scale for the same context.
/// </summary>
public sealed class PredictorNet
{
    public const int Fraction = 12;

    /// <summary>Activations are clamped to ±2^36 after every layer, which keeps the next sums inside 64 bits.</summary>
    private const long Limit = 1L << 36;

    private readonly int[][] _weights, _biases;

    /// <summary>The weights widened to 64 bits once (the products are 64-bit).</summary>
    private readonly long[][] _wide;
    private readonly long[] _x, _h1, _h2;

    /// <param name="tensors">Weight, bias, weight, bias, ... in <see cref="PredictorShape.Layers"/> order.</param>
    public PredictorNet(PredictorShape shape, IReadOnlyList<int[]> tensors)
    {
        Shape = shape;
        var layers = shape.Layers().ToList();
        if (shape.WeightFractions.Count != layers.Count) throw new ArgumentException("one weight fraction per layer", nameof(shape));
        if (tensors.Count != 2 * layers.Count) throw new ArgumentException("one weight and one bias tensor per layer", nameof(tensors));
        _weights = new int[layers.Count][];
        _biases = new int[layers.Count][];
        for (int l = 0; l < layers.Count; l++)
        {
            if (tensors[2 * l].Length != layers[l].Out * layers[l].In || tensors[2 * l + 1].Length != layers[l].Out)
                throw new ArgumentException($"layer {l} has the wrong number of weights", nameof(tensors));
            _weights[l] = tensors[2 * l];
            _biases[l] = tensors[2 * l + 1];
        }
        _wide = _weights.Select(w => w.Select(v => (long)v).ToArray()).ToArray();
        _x = new long[shape.Inputs];
        _h1 = new long[Math.Max(1, shape.Width)];
        _h2 = new long[Math.Max(1, shape.Width)];
    }

    public PredictorShape Shape { get; }

    /// <summary>Weight, bias, weight, bias, ... as stored.</summary>
    public IEnumerable<int[]> Tensors => _weights.Zip(_biases).SelectMany(p => new[] { p.First, p.Second });

    /// <summary>Mean and log2-scale in units of 2^OutputShift, each with <see cref="Fraction"/> fractional bits.</summary>
    public (long Mean, long LogScale) Predict(ReadOnlySpan<int> features)
    {
        int inputs = Shape.Inputs, shift = Shape.InputShift;
        var k = Shape.WeightFractions;
        for (int i = 0; i < inputs; i++) _x[i] = ((long)features[i] << Fraction) >> shift;
        ReadOnlySpan<long> h = [];
        long[] current = _x, next = _h1;
        int width = inputs;
        for (int l = 0; l < Shape.HiddenLayers; l++)
        {
            Layer(_wide[l], _biases[l], current.AsSpan(0, width), ReadOnlySpan<long>.Empty, next, Shape.Width, k[l], relu: true);
            current = next;
            next = ReferenceEquals(next, _h1) ? _h2 : _h1;
            width = Shape.Width;
            h = current.AsSpan(0, width);
        }
        Span<long> output = stackalloc long[PredictorShape.Outputs];
        int last = Shape.HiddenLayers;
        Layer(_wide[last], _biases[last], h, _x.AsSpan(0, inputs), output, PredictorShape.Outputs, k[last], relu: false);
        return (output[0], output[1]);
    }

    /// <summary>
    /// out_o = clamp(((bias_o &lt;&lt; F) + Σ w·a over <paramref name="a"/> then <paramref name="b"/>) >> k), ReLU for hidden
    /// layers. Integer sums are exact, so any summation order gives the bits of §10.4.
    /// </summary>
    private static void Layer(long[] weight, int[] bias, ReadOnlySpan<long> a, ReadOnlySpan<long> b, Span<long> output, int outputs, int k, bool relu)
    {
        int inputs = a.Length + b.Length;
        for (int o = 0; o < outputs; o++)
        {
            var row = weight.AsSpan(o * inputs, inputs);
            long acc = ((long)bias[o] << Fraction) + Dot(row[..a.Length], a) + Dot(row[a.Length..], b);
            long z = Math.Clamp(acc >> k, -Limit, Limit);
            output[o] = relu && z < 0 ? 0 : z;
        }
    }

    private static long Dot(ReadOnlySpan<long> w, ReadOnlySpan<long> x)
    {
        long sum = 0;
        for (int i = 0; i < w.Length; i++) sum += w[i] * x[i];
        return sum;
    }
}
