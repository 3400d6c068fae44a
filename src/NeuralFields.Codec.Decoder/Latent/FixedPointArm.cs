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

    /// <summary>Per layer: the weights widened to 64 bits (row-major [outputs, inputs]) and each bias already shifted onto the sums' scale.</summary>
    private readonly (long[] Weight, long[] Bias, int WeightShift, int Inputs, int Outputs)[] _layers;
    private readonly long[] _a, _b;

    public FixedPointArm(ArmConfig config, IReadOnlyDictionary<string, QuantizedTensor> tensors, string prefix)
    {
        Config = config;
        _layers = new (long[], long[], int, int, int)[config.HiddenLayers + 1];
        for (int l = 0; l <= config.HiddenLayers; l++)
        {
            string layer = $"{prefix}.{MlpConfig.Layer(l)}";
            var weight = tensors[LinearLayer.Weight(layer)];
            var bias = tensors[LinearLayer.Bias(layer)];
            int kw = FractionBits(weight), kb = FractionBits(bias), biasShift = Fraction + kw - kb;
            var biasTerms = bias.Values.Select(b => biasShift >= 0 ? (long)b << biasShift : (long)b >> -biasShift).ToArray();
            _layers[l] = ([.. weight.Values.Select(w => (long)w)], biasTerms, kw, weight.Shape[1], weight.Shape[0]);
        }
        _a = new long[Math.Max(config.Context, config.Width)];
        _b = new long[Math.Max(config.Width, ArmConfig.Outputs)];
    }

    public ArmConfig Config { get; }

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

    /// <summary>μ and log-scale, each with <see cref="Fraction"/> fractional bits, for a context of integer latents.</summary>
    public (long Mu, long LogScale) Predict(ReadOnlySpan<int> context)
    {
        var input = _a.AsSpan(0, context.Length);
        for (int i = 0; i < context.Length; i++) input[i] = (long)context[i] << Fraction;
        long[] x = _a, y = _b;
        for (int l = 0; l < _layers.Length; l++)
        {
            var (weight, bias, kw, inputs, outputs) = _layers[l];
            bool hidden = l < _layers.Length - 1;
            if (y.Length < outputs) y = new long[outputs];
            var row = weight.AsSpan();
            var layerInput = x.AsSpan(0, inputs);
            for (int o = 0; o < outputs; o++, row = row[inputs..])
            {
                long z = Math.Clamp((bias[o] + Dot(row[..inputs], layerInput)) >> kw, -Limit, Limit);
                y[o] = hidden && z < 0 ? 0 : z;
            }
            (x, y) = (y, x);
        }
        return (x[0], x[1]);
    }

    /// <summary>
    /// Σ w·x in 64-bit integers. Integer addition is associative, even where a damaged file's weights make it wrap, so
    /// four lanes at a time give the scalar loop's result on every machine.
    /// </summary>
    private static long Dot(ReadOnlySpan<long> w, ReadOnlySpan<long> x)
    {
        long sum = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && w.Length >= Vector256<long>.Count)
        {
            var lanes = Vector256<long>.Zero;
            for (; i + Vector256<long>.Count <= w.Length; i += Vector256<long>.Count)
                lanes += Vector256.Create(w[i..]) * Vector256.Create(x[i..]);
            sum = Vector256.Sum(lanes);
        }
        for (; i < w.Length; i++) sum += w[i] * x[i];
        return sum;
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
