using System.Runtime.CompilerServices;
using NeuralFields.Codec.Decoder.Inference;
using System.Runtime.Intrinsics;

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

    private readonly IntegerLayer[] _layers;
    private readonly long[] _x, _h1, _h2, _out;

    /// <param name="tensors">Weight, bias, weight, bias, ... in <see cref="PredictorShape.Layers"/> order.</param>
    public PredictorNet(PredictorShape shape, IReadOnlyList<int[]> tensors)
    {
        Shape = shape;
        var layers = shape.Layers().ToList();
        if (shape.WeightFractions.Count != layers.Count) throw new ArgumentException("one weight fraction per layer", nameof(shape));
        if (tensors.Count != 2 * layers.Count) throw new ArgumentException("one weight and one bias tensor per layer", nameof(tensors));
        _weights = new int[layers.Count][];
        _biases = new int[layers.Count][];
        _layers = new IntegerLayer[layers.Count];
        int widest = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            var (outputs, inputs) = layers[l];
            if (tensors[2 * l].Length != outputs * inputs || tensors[2 * l + 1].Length != outputs)
                throw new ArgumentException($"layer {l} has the wrong number of weights", nameof(tensors));
            _weights[l] = tensors[2 * l];
            _biases[l] = tensors[2 * l + 1];
            _layers[l] = new IntegerLayer(_weights[l], [.. _biases[l].Select(b => (long)b << Fraction)], inputs, shape.WeightFractions[l], Limit, relu: l < layers.Count - 1);
            widest = Math.Max(widest, _layers[l].Padded);
        }
        _x = new long[shape.Inputs];
        _h1 = new long[widest];
        _h2 = new long[widest];
        _out = new long[widest];
    }

    public PredictorShape Shape { get; }

    /// <summary>Whether layers run in vector lanes (where the machine has them); tests turn it off to check the scalar path gives the same integers.</summary>
    internal bool Vectorised { get; init; } = Vector256.IsHardwareAccelerated;

    /// <summary>Weight, bias, weight, bias, ... as stored.</summary>
    public IEnumerable<int[]> Tensors => _weights.Zip(_biases).SelectMany(p => new[] { p.First, p.Second });

    /// <summary>Mean and log2-scale in units of 2^OutputShift, each with <see cref="Fraction"/> fractional bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (long Mean, long LogScale) Predict(ReadOnlySpan<int> features)
    {
        int inputs = Shape.Inputs, shift = Shape.InputShift;
        for (int i = 0; i < inputs; i++) _x[i] = ((long)features[i] << Fraction) >> shift;
        // Hidden layers alternate between two buffers; the output layer reads the last of them, then the inputs (the skip path).
        ReadOnlySpan<long> h = [];
        long[] current = _x, next = _h1;
        int width = inputs;
        for (int l = 0; l < Shape.HiddenLayers; l++)
        {
            _layers[l].Run(current.AsSpan(0, width), ReadOnlySpan<long>.Empty, next, Vectorised);
            current = next;
            next = ReferenceEquals(next, _h1) ? _h2 : _h1;
            width = Shape.Width;
            h = current.AsSpan(0, width);
        }
        _layers[Shape.HiddenLayers].Run(h, _x.AsSpan(0, inputs), _out, Vectorised);
        return (_out[0], _out[1]);
    }
}
