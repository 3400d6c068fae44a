namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>How the residual of a lossless file is predicted before coding (the file records the choice).</summary>
public enum ResidualPrediction : byte
{
    /// <summary>Code the residual r itself.</summary>
    None = 0,
    /// <summary>Code s = r − MED(west, north, north-west) of the same channel (LOCO-I's median edge detector).</summary>
    Spatial = 1,
    /// <summary>As <see cref="Spatial"/>, then channels after the first code s − s of the previous channel.</summary>
    SpatialAndChannel = 2,
}

/// <summary>
/// The residual stream of a lossless file: residual r = source − decoded model output, one integer per
/// sample, in grid order with channels interleaved, seen as rows of the last axis. Each integer is
/// predicted (<see cref="ResidualPrediction"/>) and the prediction error coded with contexts from the
/// local error activity |s_W| + |s_N| + (|s_NW| + |s_NE|)/2 and, for later channels, the previous
/// channel's error at the same sample. Encoding and decoding share <see cref="Walk"/>.
/// </summary>
public static class ResidualCoding
{
    private const int ActivityBuckets = 12, ChannelBuckets = 7;

    public static byte[] Encode(ReadOnlySpan<int> residual, int width, int channels, ResidualPrediction prediction)
    {
        var encoder = new RangeEncoder();
        var r = residual.ToArray();
        Walk(r, width, channels, prediction, (model, context, predicted, i) =>
        {
            model.Encode(encoder, r[i] - predicted, context);
            return r[i];
        });
        return encoder.Finish();
    }

    /// <summary>The prediction that codes smallest, and its stream.</summary>
    public static (ResidualPrediction Prediction, byte[] Stream) EncodeBest(ReadOnlySpan<int> residual, int width, int channels)
    {
        var best = (Prediction: ResidualPrediction.None, Stream: Encode(residual, width, channels, ResidualPrediction.None));
        foreach (var p in new[] { ResidualPrediction.Spatial, ResidualPrediction.SpatialAndChannel })
        {
            var stream = Encode(residual, width, channels, p);
            if (stream.Length < best.Stream.Length) best = (p, stream);
        }
        return best;
    }

    /// <summary>Decodes <paramref name="count"/> residuals; any |r| above <paramref name="maxMagnitude"/> or a stream that runs out is damage.</summary>
    public static int[] Decode(byte[] data, int offset, int length, long count, int width, int channels,
        ResidualPrediction prediction, int maxMagnitude)
    {
        var decoder = new RangeDecoder(data, offset, length);
        var r = new int[count];
        Walk(r, width, channels, prediction, (model, context, predicted, i) =>
        {
            long value = (long)predicted + model.Decode(decoder, context);
            if (value > maxMagnitude || value < -maxMagnitude || decoder.Overrun > 0)
                throw new NeuralFileException("the residual stream is damaged");
            return (int)value;
        });
        if (!decoder.EndedExactly) throw new NeuralFileException("the residual stream is damaged (it does not end where its length says)");
        return r;
    }

    /// <summary>
    /// Visits every sample in order, giving <paramref name="code"/> the model, the context and the
    /// prediction; it returns the residual there (encoding: the known one; decoding: the one it read).
    /// </summary>
    private static void Walk(int[] r, int width, int channels, ResidualPrediction prediction,
        Func<IntegerModel, int, int, int, int> code)
    {
        if (width < 1 || channels < 1 || r.Length % ((long)width * channels) != 0)
            throw new ArgumentException("residual size does not match its rows");
        var model = new IntegerModel(ActivityBuckets * ChannelBuckets);
        var s = new int[r.Length];                               // spatial prediction errors, the context source
        long rowStride = (long)width * channels;
        long rows = r.Length / rowStride;
        for (long y = 0; y < rows; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    long i = y * rowStride + (long)x * channels + c;
                    int west = x > 0 ? r[i - channels] : 0;
                    int north = y > 0 ? r[i - rowStride] : 0;
                    int northWest = x > 0 && y > 0 ? r[i - rowStride - channels] : 0;
                    int spatial = prediction == ResidualPrediction.None ? 0 : Med(west, north, northWest);
                    int previousError = c > 0 ? s[i - 1] : 0;
                    int predicted = prediction == ResidualPrediction.SpatialAndChannel ? spatial + previousError : spatial;

                    int sW = x > 0 ? s[i - channels] : 0;
                    int sN = y > 0 ? s[i - rowStride] : 0;
                    int sNW = x > 0 && y > 0 ? s[i - rowStride - channels] : 0;
                    int sNE = x + 1 < width && y > 0 ? s[i - rowStride + channels] : 0;
                    long activity = (long)Math.Abs(sW) + Math.Abs(sN) + ((long)Math.Abs(sNW) + Math.Abs(sNE)) / 2;
                    int channelBucket = c == 0 ? 0 : 1 + Math.Min(ChannelBuckets - 2, BitLength(Math.Abs(previousError)));
                    int context = Math.Min(ActivityBuckets - 1, BitLength(activity)) * ChannelBuckets + channelBucket;

                    r[i] = code(model, context, predicted, (int)i);
                    s[i] = r[i] - spatial;
                }
    }

    /// <summary>LOCO-I's median edge detector: min or max of W and N at an edge, else the plane W + N − NW.</summary>
    private static int Med(int west, int north, int northWest)
    {
        int lo = Math.Min(west, north), hi = Math.Max(west, north);
        if (northWest >= hi) return lo;
        if (northWest <= lo) return hi;
        return west + north - northWest;
    }

    private static int BitLength(long v) => v == 0 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)v);
}
