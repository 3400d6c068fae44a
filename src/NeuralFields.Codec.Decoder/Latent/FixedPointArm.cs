using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralFields.Codec.Decoder.Inference;
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

    private readonly IntegerLayer[] _layers;
    private readonly long[] _a, _b;

    public FixedPointArm(ArmConfig config, IReadOnlyDictionary<string, QuantizedTensor> tensors, string prefix)
    {
        Config = config;
        _layers = new IntegerLayer[config.HiddenLayers + 1];
        int widest = config.Context;
        for (int l = 0; l <= config.HiddenLayers; l++)
        {
            string layer = $"{prefix}.{MlpConfig.Layer(l)}";
            var weight = tensors[LinearLayer.Weight(layer)];
            var bias = tensors[LinearLayer.Bias(layer)];
            int kw = FractionBits(weight), kb = FractionBits(bias), biasShift = Fraction + kw - kb;
            var terms = bias.Values.Select(b => biasShift >= 0 ? (long)b << biasShift : (long)b >> -biasShift).ToArray();   // each bias on the sums' scale
            _layers[l] = new IntegerLayer(weight.Values, terms, weight.Shape[1], kw, Limit, relu: l < config.HiddenLayers);
            widest = Math.Max(widest, _layers[l].Padded);
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

    /// <summary>μ and log-scale, each with <see cref="Fraction"/> fractional bits, for a context of integer latents.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (long Mu, long LogScale) Predict(ReadOnlySpan<int> context)
    {
        long[] x = _a, y = _b;
        for (int i = 0; i < context.Length; i++) x[i] = (long)context[i] << Fraction;
        int inputs = context.Length;
        foreach (var layer in _layers)
        {
            layer.Run(x.AsSpan(0, inputs), ReadOnlySpan<long>.Empty, y, Vectorised);
            (x, y) = (y, x);
            inputs = Config.Width;
        }
        return (x[0], x[1]);
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
