using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Latent;

/// <summary>
/// The entropy model in integer arithmetic (docs/format.md §9.2): activations carry <see cref="Fraction"/>
/// fractional bits, weights and biases are the file's integers with power-of-two steps, every sum is exact in
/// 64 bits and every shift floors, so encoder and decoder get the same μ and log-scale on any machine.
/// </summary>
public sealed class FixedPointArm
{
    public const int Fraction = 8;

    /// <summary>Activations are clamped to ±2^30 after every layer, which keeps the next layer's sums inside 64 bits.</summary>
    private const long Limit = 1L << 30;

    /// <summary>
    /// Per layer: the weights widened to 64 bits and stored input-major [inputs, padded outputs], each bias already
    /// shifted onto the sums' scale; outputs are padded with zero weights to whole vectors, so a layer runs as a
    /// few vector accumulators that each collect four outputs' sums.
    /// </summary>
    private readonly (long[] Weight, long[] Bias, int WeightShift, int Inputs, int Padded)[] _layers;
    private readonly long[] _a, _b;

    private const int Lanes = 4;

    public FixedPointArm(ArmConfig config, IReadOnlyDictionary<string, QuantizedTensor> tensors, string prefix)
    {
        Config = config;
        _layers = new (long[], long[], int, int, int)[config.HiddenLayers + 1];
        int widest = config.Context;
        for (int l = 0; l <= config.HiddenLayers; l++)
        {
            string layer = $"{prefix}.{MlpConfig.Layer(l)}";
            var weight = tensors[LinearLayer.Weight(layer)];
            var bias = tensors[LinearLayer.Bias(layer)];
            int kw = FractionBits(weight), kb = FractionBits(bias), biasShift = Fraction + kw - kb;
            int outputs = weight.Shape[0], inputs = weight.Shape[1], padded = (outputs + Lanes - 1) / Lanes * Lanes;
            var terms = new long[padded];
            var columns = new long[inputs * padded];
            for (int o = 0; o < outputs; o++)
            {
                terms[o] = biasShift >= 0 ? (long)bias.Values[o] << biasShift : (long)bias.Values[o] >> -biasShift;
                for (int i = 0; i < inputs; i++) columns[i * padded + o] = weight.Values[o * inputs + i];
            }
            _layers[l] = (columns, terms, kw, inputs, padded);
            widest = Math.Max(widest, padded);
        }
        _a = new long[widest];
        _b = new long[widest];
    }

    public ArmConfig Config { get; }

    /// <summary>Whether layers run in vector lanes (where the machine has them); tests turn it off to check the scalar path gives the same integers.</summary>
    internal bool Vectorised { get; init; } = Vector256.IsHardwareAccelerated;

    /// <summary>k where a tensor's one step is 2^−k (0 ≤ k ≤ 24); any other step cannot be run in fixed point.</summary>
    public static int FractionBits(QuantizedTensor tensor)
    {
        if (tensor.Granularity != QuantizationGranularity.Tensor)
            throw new NeuralFileException($"the file is damaged: entropy-model tensor {tensor.Name} has one step per row");
        float step = tensor.Steps[0];
        for (int k = 0; k <= 24; k++)
            if (step == MathF.ScaleB(1f, -k)) return k;
        throw new NeuralFileException($"the file is damaged: entropy-model tensor {tensor.Name} has step {step}, not a power of two 2^-k with 0 <= k <= 24");
    }

    /// <summary>
    /// μ and log-scale, each with <see cref="Fraction"/> fractional bits, for a context of integer latents. Each
    /// output is b + Σ w·x in 64-bit integers; integer addition is associative, even where a damaged file's weights
    /// make it wrap, so summing in vector lanes gives the formula's integers on every machine.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (long Mu, long LogScale) Predict(ReadOnlySpan<int> context)
    {
        long[] x = _a, y = _b;
        for (int i = 0; i < context.Length; i++) x[i] = (long)context[i] << Fraction;
        for (int l = 0; l < _layers.Length; l++)
        {
            var (weight, bias, kw, inputs, padded) = _layers[l];
            bool hidden = l < _layers.Length - 1;
            if (Vectorised)
                VectorLayer(weight, bias, kw, inputs, padded, hidden, x, y);
            else
                ScalarLayer(weight, bias, kw, inputs, padded, hidden, x, y);
            (x, y) = (y, x);
        }
        return (x[0], x[1]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VectorLayer(long[] weight, long[] bias, int kw, int inputs, int padded, bool hidden, long[] x, long[] y)
    {
        var low = Vector256.Create(hidden ? 0 : -Limit);
        var high = Vector256.Create(Limit);
        ref long w = ref MemoryMarshal.GetArrayDataReference(weight);
        for (int o = 0; o < padded; o += Lanes)
        {
            var sum = Vector256.LoadUnsafe(ref bias[o]);
            for (int i = 0; i < inputs; i++)
                sum += Vector256.LoadUnsafe(ref w, (nuint)(i * padded + o)) * Vector256.Create(x[i]);
            // Clamping to [0, Limit] equals clamping to ±Limit then the ReLU.
            Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(sum, kw), low), high).CopyTo(y.AsSpan(o));
        }
    }

    private static void ScalarLayer(long[] weight, long[] bias, int kw, int inputs, int padded, bool hidden, long[] x, long[] y)
    {
        for (int o = 0; o < padded; o++)
        {
            long sum = bias[o];
            for (int i = 0; i < inputs; i++) sum += weight[i * padded + o] * x[i];
            long z = Math.Clamp(sum >> kw, -Limit, Limit);
            y[o] = hidden && z < 0 ? 0 : z;
        }
    }

    /// <summary>The table a prediction selects: ⌊μ⌋, the eighth of μ's fraction, and the log-scale lattice index (rounded, clamped).</summary>
    public static (int Floor, int Phase, int ScaleIndex) Table(long mu, long logScale)
    {
        long floor = mu >> Fraction;
        int phase = (int)((mu - (floor << Fraction)) >> (Fraction - 3));
        // j = round((s − min) / step) with min = −4 and step = 1/4: ((s + 4·2^F)·4 + 2^(F−1)) >> F.
        long j = ((logScale + (4L << Fraction)) * 4 + (1L << (Fraction - 1))) >> Fraction;
        return ((int)Math.Clamp(floor, -(1L << 30), 1L << 30), phase, (int)Math.Clamp(j, 0, ArmConfig.LogScaleCount - 1));
    }
}
