using NeuralFields.Codec.Decoder.Entropy;

namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// The sample stream of a predictive file (docs/format.md §10.5): pixels (or frames) in order, planes in order
/// within each, every sample coded as its difference from a prediction with an adaptive integer model chosen by a
/// scale bucket. The network mode takes prediction and bucket from the plane's <see cref="PredictorNet"/>, the
/// plain mode uses p0 and the local activity. Encoding and decoding share <see cref="Visit"/>, so both compute the
/// same predictions and buckets from the same already coded samples.
/// </summary>
public static class PredictiveCoding
{
    /// <summary>Scale buckets per plane: quarter steps of log2 scale from −2 (0.25) up.</summary>
    public const int Buckets = 72;

    /// <summary>Called for every sample with its plane, grid index, prediction and bucket (tests compare encoder and decoder).</summary>
    public delegate void Observer(int plane, int index, int prediction, int bucket);

    /// <param name="sign">−1 when the network's mean lies below the prediction it was rounded to, else 1: the coded
    /// integer is sign·e, so the one sign model of a bucket learns the skew the mean's fraction gives.</param>
    private delegate void Coder(int plane, int index, int prediction, int context, int sign);

    /// <param name="stages">1-D signals: the adaptive cascade every plane's residual passes through (§10.7); empty for none.</param>
    /// <param name="mixing">Code each decision with the mixed models of §10.8 instead of the bucket's model alone.</param>
    /// <param name="planeBits">When given, each plane's share of the stream in bits is added to it (the planes' models
    /// are separate, so a plane's share depends only on its own network).</param>
    public static byte[] Encode(int[][] planes, int[] dimensions, int[] start, IReadOnlyList<PredictorNet?> nets, Observer? observe = null, bool gradient = false,
        IReadOnlyList<LmsStage>? stages = null, bool mixing = false, double[]? planeBits = null)
    {
        var encoder = new RangeEncoder();
        var model = new SampleModel(planes, dimensions, nets, mixing);
        Visit(planes, dimensions, start, nets, gradient, stages, (plane, index, prediction, context, sign) =>
        {
            observe?.Invoke(plane, index, prediction, context % Buckets);
            double before = planeBits is null ? 0 : encoder.Bits;
            model.Encode(encoder, planes[plane][index] - prediction, sign, plane, index, context);
            if (planeBits is not null) planeBits[plane] += encoder.Bits - before;
        });
        return encoder.Finish();
    }

    /// <summary>The planes back; a sample beyond ±<see cref="SampleContext.MaxMagnitude"/> or a stream that runs out is damage.</summary>
    public static int[][] Decode(RangeDecoder decoder, int[] dimensions, long points, int[] start, IReadOnlyList<PredictorNet?> nets,
        Observer? observe = null, bool gradient = false, IReadOnlyList<LmsStage>? stages = null, bool mixing = false)
    {
        var planes = new int[start.Length][];
        for (int c = 0; c < planes.Length; c++) planes[c] = new int[points];
        var model = new SampleModel(planes, dimensions, nets, mixing);
        Visit(planes, dimensions, start, nets, gradient, stages, (plane, index, prediction, context, sign) =>
        {
            observe?.Invoke(plane, index, prediction, context % Buckets);
            long value = (long)prediction + model.Decode(decoder, sign, plane, index, context);
            if (Math.Abs(value) > SampleContext.MaxMagnitude || decoder.Overrun > 0)
                throw new NeuralFileException("the file is damaged: its sample stream does not decode");
            planes[plane][index] = (int)value;
        });
        return planes;
    }

    /// <summary>
    /// The models of the sample stream: 72 contexts per plane, each started at its bucket's Laplace
    /// (<see cref="BucketPriors"/>), or with mixing the four context sets of §10.8, which read the residuals
    /// v − P of the samples already coded (kept here, the same on both sides).
    /// </summary>
    private sealed class SampleModel
    {
        private readonly IntegerModel? _plain;
        private readonly MixedIntegerModel? _mixed;
        private readonly int[][]? _residuals;
        private readonly int _width;
        private readonly bool _oneDimensional;

        public SampleModel(int[][] planes, int[] dimensions, IReadOnlyList<PredictorNet?> nets, bool mixing)
        {
            var plain = nets.Select(n => n is null).ToList();
            _width = dimensions[^1];
            _oneDimensional = dimensions.Length == 1;
            if (mixing)
            {
                var (sets, mixers) = MixingContexts.Sizes(nets.Count);
                _mixed = new MixedIntegerModel(sets, mixers);
                BucketPriors.Start(_mixed, plain);
                _residuals = planes.Select(p => new int[p.Length]).ToArray();
            }
            else
            {
                _plain = new IntegerModel(nets.Count * Buckets);
                BucketPriors.Start(_plain, plain);
            }
        }

        /// <summary>Codes sign·<paramref name="residual"/> in <paramref name="context"/> (plane·72 + bucket).</summary>
        public void Encode(RangeEncoder encoder, int residual, int sign, int plane, int index, int context)
        {
            if (_mixed is null)
            {
                _plain!.Encode(encoder, sign * residual, context);
                return;
            }
            MixingContexts.Select(_mixed, _residuals![plane], index, _width, _oneDimensional, plane, context % Buckets);
            _mixed.Encode(encoder, sign * residual);
            _residuals[plane][index] = residual;
        }

        /// <summary>The residual v − P (the coded integer times <paramref name="sign"/>).</summary>
        public int Decode(RangeDecoder decoder, int sign, int plane, int index, int context)
        {
            if (_mixed is null) return sign * _plain!.Decode(decoder, context);
            MixingContexts.Select(_mixed, _residuals![plane], index, _width, _oneDimensional, plane, context % Buckets);
            int residual = sign * _mixed.Decode(decoder);
            _residuals[plane][index] = residual;
            return residual;
        }
    }

    /// <summary>
    /// The prediction (p0 plus the network's mean, rounded), the bucket of the network's log2-scale, and the sign
    /// (−1 when the mean was rounded up, so the sample lies more likely below the prediction).
    /// </summary>
    public static (int Prediction, int Bucket, int Sign) FromNet(PredictorNet net, int p0, ReadOnlySpan<int> features)
    {
        var (mean, logScale) = net.Predict(features);
        const int f = PredictorNet.Fraction;
        int shift = net.Shape.OutputShift;
        long exact = mean << shift;
        long offset = (exact + (1L << (f - 1))) >> f;
        int sign = exact - (offset << f) < 0 ? -1 : 1;
        int prediction = (int)Math.Clamp(p0 + offset, -SampleContext.MaxMagnitude, SampleContext.MaxMagnitude);
        long log2 = logScale + ((long)shift << f);
        long bucket = ((log2 + (2L << f)) * 4 + (1L << (f - 1))) >> f;        // round(4·(log2 b + 2))
        return (prediction, (int)Math.Clamp(bucket, 0, Buckets - 1), sign);
    }

    /// <summary>Plain mode: a quarter-step log2 of the activity (0 for none), as the network's buckets are.</summary>
    public static int PlainBucket(int activity)
    {
        if (activity <= 0) return 0;
        int n = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)activity);      // ⌊log2 A⌋
        int quarter = n >= 2 ? (activity >> (n - 2)) & 3 : (activity << (2 - n)) & 3;
        return Math.Min(Buckets - 1, 4 * n + quarter + 1);
    }

    private static void Visit(int[][] planes, int[] dimensions, int[] start, IReadOnlyList<PredictorNet?> nets, bool gradient,
        IReadOnlyList<LmsStage>? stages, Coder code)
    {
        var context = new SampleContext(planes, dimensions, start, gradient);
        var cascades = stages is { Count: > 0 } ? planes.Select(_ => new AdaptiveCascade(stages)).ToArray() : null;
        long points = planes[0].LongLength;
        Span<int> features = stackalloc int[context.FeatureCount(planes.Length - 1)];
        for (int i = 0; i < points; i++)
            for (int c = 0; c < planes.Length; c++)
            {
                var (p0, activity) = context.Compute(c, i, features);
                var net = nets[c];
                var (prediction, bucket, sign) = net is null ? (p0, PlainBucket(activity), 1) : FromNet(net, p0, features);
                if (cascades is null)
                {
                    code(c, i, prediction, c * Buckets + bucket, sign);
                }
                else
                {
                    int corrected = Math.Clamp(prediction + cascades[c].Predict(), -SampleContext.MaxMagnitude, SampleContext.MaxMagnitude);
                    // Without a network the cascade's own recent errors say more about the next one than the signal's gradients.
                    if (net is null) bucket = PlainBucket(cascades[c].RecentActivity());
                    code(c, i, corrected, c * Buckets + bucket, sign);
                    cascades[c].Update(planes[c][i] - prediction, planes[c][i] - corrected);
                }
                context.Record(c, i, p0);
            }
    }
}
