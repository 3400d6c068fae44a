using System.Diagnostics;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Predictive;

/// <summary>A predictive lossless file, what it decodes to (verified equal to the source) and what each mode would have weighed.</summary>
public sealed record PredictiveResult(byte[] File, PredictiveHeader Header, DecodedSignal Decoded, double Seconds, IReadOnlyList<(string Mode, long Bytes)> Candidates);

/// <summary>
/// Makes a format-4 file: picks the colour transform the plain mode codes smallest, trains one predictor network per
/// plane on it (<see cref="PredictorTraining"/>), picks each network's weight step by the bits it would cost, codes the
/// samples with the decoder's own code, keeps the smallest of the stored, plain and network files, and decodes it
/// back to check every sample before returning it.
/// </summary>
public static class PredictiveCompressor
{
    /// <summary>How many bits below each layer's finest step (the one its largest weight still fits 16 bits at) are tried.</summary>
    private const int CoarserSteps = 8;

    /// <summary>Samples per plane the weight step is chosen on.</summary>
    private const int EvaluationSamples = 20_000;

    /// <summary>
    /// The adaptive cascades tried on 1-D signals (order/step shift per stage), the best of a sweep on the two
    /// SIREN clips (a long filter for the music's pitch, short fast ones for speech).
    /// </summary>
    private static readonly LmsStage[][] CascadeChoices =
    [
        [new(512, 2), new(16, 3)],
        [new(512, 2), new(32, 3), new(16, 3)],
        [new(256, 2), new(32, 3), new(16, 4)],
        [new(64, 3), new(16, 4), new(16, 3)],
        [new(32, 4), new(16, 4), new(16, 3)],
    ];

    public static bool Supports(SignalInfo signal) =>
        signal.Dimensions.Length is 1 or 2 && signal.BitDepth <= NeuralFileFormat.MaxSampleBits && signal.Channels <= NeuralFileFormat.MaxChannels;

    public static PredictiveResult Compress(SignalInfo signal, ushort[] samples, PredictiveOptions options,
        IReadOnlyDictionary<string, string>? attributes = null, CancellationToken cancel = default)
    {
        options.Validate();
        if (!Supports(signal)) throw new NeuralFieldsException($"predictive lossless files hold 1-D and 2-D signals, not a {signal.Dimensions.Length}-D {signal.Modality}");
        if (samples.LongLength != signal.SampleCount * signal.Channels) throw new ArgumentException("sample count does not match the signal", nameof(samples));
        attributes ??= SignalAttributes.None;
        var clock = Stopwatch.StartNew();
        var candidates = new List<(string Mode, byte[] File)> { ("stored", PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Stored, ColourTransform.None)) };
        // The matches mode holds its bytes in one array; signals beyond a gigabyte of them are never synthetic enough to need it.
        if (samples.LongLength * RowFilters.BytesPerSample(signal.BitDepth) <= 1L << 30)
            candidates.Add(("matches (row filters, LZ77)", PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Matches, ColourTransform.None)));
        var transform = ColourTransform.None;
        bool gradient = false;
        byte[]? plain = null;
        foreach (var t in ColourTransforms.For(signal.Channels))
            foreach (bool g in signal.Dimensions.Length == 2 ? new[] { false, true } : [false])
            {
                cancel.ThrowIfCancellationRequested();
                var file = PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Plain, t, gradient: g);
                if (plain is null || file.Length < plain.Length) (plain, transform, gradient) = (file, t, g);
            }
        string predictor = gradient ? "gradient" : signal.Dimensions.Length == 2 ? "MED" : "2x[-1]-x[-2]";
        candidates.Add(($"plain ({transform}, {predictor})", plain!));
        candidates.Add(($"plain ({transform}, {predictor}, mixed)", PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Plain, transform, gradient: gradient, mixing: true)));
        List<PredictorNet>? nets = null;
        if (options.Network && (options.AlwaysTrain || Repayable(signal, options, PredictiveFile.ReadHeader(plain!).SampleBytes)))
        {
            var trained = TrainNets(signal, samples, transform, options, gradient, cancel);
            nets = PickNets(signal, attributes, samples, transform, gradient, options.Networks, trained, $"{transform}, {predictor}", candidates);
        }
        if (signal.Dimensions.Length == 1)
        {
            // Every cascade unmixed, then the smallest of them mixed too (mixing helps some clips, and a pass is seconds).
            var cascades = new List<(string Label, byte[] File, LmsStage[] Stages, bool Network)>();
            foreach (var stages in CascadeChoices)
            {
                cancel.ThrowIfCancellationRequested();
                string cascade = string.Join(" + ", stages.Select(s => $"{s.Order}/2^-{s.StepShift}"));
                cascades.Add(($"plain ({transform}, {predictor}, cascade {cascade})", PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Plain, transform, stages: stages), stages, false));
                if (nets is not null)
                    cascades.Add(($"network ({transform}, {predictor}, cascade {cascade})", PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Network, transform, nets, stages: stages), stages, true));
            }
            var smallest = cascades.MinBy(c => c.File.Length);
            candidates.AddRange(cascades.Select(c => (c.Label, c.File)));
            candidates.Add((smallest.Label.Replace(")", ", mixed)", StringComparison.Ordinal), PredictiveFile.Write(signal, attributes, samples,
                smallest.Network ? PredictiveMode.Network : PredictiveMode.Plain, transform, smallest.Network ? nets : null, stages: smallest.Stages, mixing: true)));
        }
        var best = candidates.MinBy(c => c.File.Length).File;
        var decoded = PredictiveFile.Decode(best);
        if (!decoded.Samples.AsSpan().SequenceEqual(samples))
            throw new InvalidOperationException("the predictive file does not decode to its source; nothing was written");
        return new PredictiveResult(best, PredictiveFile.ReadHeader(best), decoded, clock.Elapsed.TotalSeconds,
            candidates.Select(c => (c.Mode, (long)c.File.Length)).ToList());
    }

    /// <summary>
    /// Codes the file once with every size's networks (mixed, §10.8), then keeps for each plane the size whose weights
    /// and samples cost it fewest bits (each plane has its own models, so its cost does not depend on the other
    /// planes' choice); a mix of sizes is coded too, and the chosen networks without mixing. Every coded file is a
    /// candidate; the chosen networks are returned.
    /// </summary>
    private static List<PredictorNet> PickNets(SignalInfo signal, IReadOnlyDictionary<string, string> attributes, ushort[] samples,
        ColourTransform transform, bool gradient, IReadOnlyList<NetworkSize> sizes, List<PredictorNet>[] trained, string label,
        List<(string Mode, byte[] File)> candidates)
    {
        var bits = new double[sizes.Count][];
        for (int k = 0; k < sizes.Count; k++)
        {
            bits[k] = new double[signal.Channels];
            candidates.Add(($"network {sizes[k]} ({label}, mixed)",
                PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Network, transform, trained[k], gradient, mixing: true, planeBits: bits[k])));
        }
        var choice = Enumerable.Range(0, signal.Channels).Select(c => Enumerable.Range(0, sizes.Count).MinBy(k => bits[k][c])).ToArray();
        var nets = choice.Select((k, c) => trained[k][c]).ToList();
        string chosen = string.Join("/", choice.Select(k => sizes[k]));
        if (choice.Distinct().Count() > 1)
            candidates.Add(($"network {chosen} ({label}, mixed)", PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Network, transform, nets, gradient, mixing: true)));
        candidates.Add(($"network {chosen} ({label})", PredictiveFile.Write(signal, attributes, samples, PredictiveMode.Network, transform, nets, gradient)));
        return nets;
    }

    /// <summary>
    /// Whether a network could repay its weights: it is assumed to save at most a quarter of the plain mode's sample
    /// stream (about what it saves on photographs) and to cost at least a byte per parameter (of the smallest size).
    /// Below that (tiny images, flat ones) training would only cost time.
    /// </summary>
    public static bool Repayable(SignalInfo signal, PredictiveOptions options, long plainSampleBytes)
    {
        long parameters = options.Networks.Min(size => Enumerable.Range(0, signal.Channels).Sum(c =>
            (long)new PredictorShape(SampleContext.FeatureCount(signal.Dimensions.Length == 1, c), size.HiddenLayers, size.Width,
                new int[size.HiddenLayers + 1], 0, 0).Parameters));
        return plainSampleBytes / 4 > parameters;
    }

    /// <summary>For each of <see cref="PredictiveOptions.Networks"/>, one trained, quantised network per plane of the samples after <paramref name="transform"/>.</summary>
    public static List<PredictorNet>[] TrainNets(SignalInfo signal, ushort[] samples, ColourTransform transform, PredictiveOptions options,
        bool gradient = false, CancellationToken cancel = default)
    {
        Core.Runtime.Torch.EnsureLoaded();
        // The networks are tiny: one thread trains them as fast as several, and never waits on a busy core.
        int threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        try
        {
            return TrainEach(signal, samples, transform, options, gradient, cancel);
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    private static List<PredictorNet>[] TrainEach(SignalInfo signal, ushort[] samples, ColourTransform transform, PredictiveOptions options, bool gradient, CancellationToken cancel)
    {
        var planes = ColourTransforms.Forward(samples, signal.Channels, transform);
        var context = new SampleContext(planes, signal.Dimensions, PredictiveFile.StartValues(transform, signal.Channels, signal.BitDepth), gradient);
        PredictorTraining.Prime(context, signal.SampleCount);
        var nets = options.Networks.Select(_ => new List<PredictorNet>()).ToArray();
        for (int c = 0; c < signal.Channels; c++)
        {
            var indices = PredictorTraining.Subset(signal.SampleCount, options.TrainingSamples, options.Seed + c);
            var data = PredictorTraining.Gather(context, planes, c, indices);
            var (input, output) = PredictorTraining.Shifts(data);
            for (int k = 0; k < nets.Length; k++)
            {
                var (hidden, width) = options.Networks[k];
                var shape = new PredictorShape(data.Inputs, hidden, width, new int[hidden + 1], input, output);
                var weights = PredictorTraining.Train(data, shape, options with { Seed = options.Seed + 1000 * c + 100 * k }, cancel);
                nets[k].Add(Quantized(context, planes, c, indices, shape, weights));
            }
        }
        return nets;
    }

    /// <summary>The weight step whose network codes the evaluation samples and its own weights in the fewest estimated bits.</summary>
    private static PredictorNet Quantized(SampleContext context, int[][] planes, int plane, int[] indices, PredictorShape shape, List<float[]> weights)
    {
        var evaluation = indices.Length <= EvaluationSamples ? indices : indices.Where((_, i) => i % (indices.Length / EvaluationSamples + 1) == 0).ToArray();
        Span<int> features = stackalloc int[shape.Inputs];
        PredictorNet? best = null;
        double bestBits = double.PositiveInfinity;
        // Layer l's finest step: the largest k with max |w|·2^k within 16 bits (at most 20); then all layers coarser together.
        var finest = Enumerable.Range(0, shape.HiddenLayers + 1).Select(l =>
        {
            double largest = weights[2 * l].Concat(weights[2 * l + 1]).Select(MathF.Abs).DefaultIfEmpty(0).Max();
            return largest <= 0 ? PredictorShape.MaxWeightFraction
                : Math.Clamp((int)Math.Floor(Math.Log2(PredictorShape.MaxWeight / largest)), 0, PredictorShape.MaxWeightFraction);
        }).ToArray();
        for (int d = 0; d < CoarserSteps; d++)
        {
            var fractions = finest.Select(k => Math.Max(0, k - d)).ToArray();
            var net = new PredictorNet(shape with { WeightFractions = fractions }, PredictorTraining.Quantize(weights, fractions));
            double bits = 0;
            foreach (int i in evaluation)
            {
                var (p0, _) = context.Compute(plane, i, features);
                var (prediction, bucket, _) = PredictiveCoding.FromNet(net, p0, features);
                bits += LaplaceBits(planes[plane][i] - prediction, bucket);
            }
            bits = bits * indices.Length / evaluation.Length + WeightBits(net);
            if (bits < bestBits) (best, bestBits) = (net, bits);
        }
        return best!;
    }

    /// <summary>−log2 of a unit bin of a zero-mean Laplace of the bucket's scale: the ideal cost the adaptive models approach.</summary>
    private static double LaplaceBits(int error, int bucket)
    {
        double b = Math.Pow(2, bucket / 4.0 - 2);
        double Cdf(double u) => u < 0 ? 0.5 * Math.Exp(u / b) : 1 - 0.5 * Math.Exp(-u / b);
        return -Math.Log2(Math.Max(1e-12, Cdf(error + 0.5) - Cdf(error - 0.5)));
    }

    /// <summary>An Exp-Golomb estimate of the weight stream: about 2·bitlength + 2 bits per integer.</summary>
    private static double WeightBits(PredictorNet net) =>
        net.Tensors.SelectMany(t => t).Sum(v => v == 0 ? 1.0 : 2.0 * (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)Math.Abs(v))) + 2);
}
