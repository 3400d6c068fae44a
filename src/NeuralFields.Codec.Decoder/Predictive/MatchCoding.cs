using NeuralFields.Codec.Decoder.Entropy;

namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// The sample stream of the matches mode (docs/format.md §10.6): each row's filter type, then the filtered bytes as
/// LZ77 literals and copies, all range-coded with adaptive models. Adaptive models need no code tables, which is
/// what makes this smaller than Deflate on tiny images; a "repeat" copy names one of the four most recent distances (at first
/// one row up, one point back and the two diagonals), which is how gradients and tiles repeat. The encoder's parse is greedy with one step of lookahead; the
/// decoder accepts any valid sequence of tokens.
/// </summary>
public static class MatchCoding
{
    public const int MinLength = 2;

    /// <summary>Copies reach back at most this far and run at most this long (the integer model's range).</summary>
    public const int MaxValue = (1 << IntegerModel.MaxPrefix) - 1;

    // Integer-model contexts: filter type after each previous type, distance, repeat length, new length, repeat slot.
    private const int DistanceContext = RowFilters.Types, RepeatLength = DistanceContext + 1, NewLength = RepeatLength + 1, RepeatSlot = NewLength + 1, Contexts = RepeatSlot + 1;

    /// <summary>The adaptive state shared by both directions.</summary>
    private sealed class Models(int pointBytes)
    {
        public readonly CountModel Integers = new(Contexts);
        public readonly BitModel[] IsCopy = BitModel.Create(2), IsRepeat = BitModel.Create(2);
        public readonly BitModel[] Literal = BitModel.Create(pointBytes * 256);
    }

    /// <summary>Recent distances a repeat can name.</summary>
    public const int Recent = 4;

    /// <summary>
    /// The recent distances before any copy: one row up, one grid point back, up-right and up-left (an image), or one
    /// to four grid points back (a single row).
    /// </summary>
    public static int[] FirstDistances(int rows, int rowBytes, int pointBytes) => rows > 1
        ? [rowBytes, pointBytes, Math.Max(1, rowBytes - pointBytes), rowBytes + pointBytes]
        : [pointBytes, 2 * pointBytes, 3 * pointBytes, 4 * pointBytes];

    /// <summary>The distance used goes to the front of the recent list; the others move down (the last drops out).</summary>
    private static void MoveToFront(int[] recent, int slot, int distance)
    {
        for (int i = slot; i > 0; i--) recent[i] = recent[i - 1];
        recent[0] = distance;
    }

    /// <summary>The longest copy from a recent distance (the earliest slot on ties).</summary>
    private static (int Length, int Slot) LongestRepeat(MatchFinder finder, int p, int[] recent)
    {
        int best = 0, slot = 0;
        for (int i = 0; i < recent.Length; i++)
        {
            int n = finder.Length(p, recent[i]);
            if (n > best) (best, slot) = (n, i);
        }
        return (best, slot);
    }

    /// <summary>
    /// The smallest stream over the filter choices: PNG's per-row heuristic and each filter for every row (on inputs
    /// up to a megabyte; larger ones get the heuristic only, the predictive modes win there anyway).
    /// </summary>
    public static byte[] EncodeBest(ReadOnlySpan<ushort> samples, int[] dimensions, int channels, int bitDepth)
    {
        var (rows, rowBytes, pointBytes) = RowFilters.Layout(dimensions, channels, bitDepth);
        var raw = RowFilters.ToBytes(samples, bitDepth);
        var choices = new List<byte[]> { RowFilters.Adaptive(raw, rows, rowBytes, pointBytes) };
        if (raw.Length <= 1 << 20)
            for (int t = 0; t < RowFilters.Types; t++) choices.Add(Enumerable.Repeat((byte)t, rows).ToArray());
        byte[]? best = null;
        var filtered = new byte[raw.Length];
        foreach (var types in choices)
        {
            for (int r = 0; r < rows; r++) RowFilters.Filter(raw, r, rowBytes, pointBytes, types[r], filtered.AsSpan(r * rowBytes, rowBytes));
            var stream = Encode(filtered, types, rowBytes, pointBytes);
            if (best is null || stream.Length < best.Length) best = stream;
        }
        return best!;
    }

    /// <summary>The samples of a matches-mode stream (the inverse of <see cref="EncodeBest"/>).</summary>
    public static ushort[] DecodeSamples(RangeDecoder decoder, int[] dimensions, int channels, int bitDepth)
    {
        long bytes = dimensions.Aggregate(1L, (a, d) => a * d) * channels * RowFilters.BytesPerSample(bitDepth);
        if (bytes > int.MaxValue) throw new NeuralFileException($"the file declares {bytes:N0} bytes of samples, more than the matches mode holds");
        var (rows, rowBytes, pointBytes) = RowFilters.Layout(dimensions, channels, bitDepth);
        var (types, data) = Decode(decoder, rows, rowBytes, pointBytes);
        RowFilters.Unfilter(data, types, rowBytes, pointBytes);
        return RowFilters.FromBytes(data, bitDepth);
    }

    public static byte[] Encode(ReadOnlySpan<byte> filtered, ReadOnlySpan<byte> types, int rowBytes, int pointBytes)
    {
        var encoder = new RangeEncoder();
        var m = new Models(pointBytes);
        int previous = 0;
        foreach (byte t in types)
        {
            m.Integers.Encode(encoder, t, previous);
            previous = t;
        }
        var finder = new MatchFinder(filtered);
        var recent = FirstDistances(types.Length, rowBytes, pointBytes);
        int n = filtered.Length, state = 0;
        for (int p = 0; p < n;)
        {
            var (repeat, slot) = LongestRepeat(finder, p, recent);
            var (length, at) = finder.Longest(p);
            bool useRepeat = repeat >= MinLength && repeat + 1 >= length;
            if (!useRepeat && length >= 3 && p + 1 < n)
            {
                // One step of lookahead: a literal now is worth it when the next position copies clearly more.
                var (next, _) = finder.Longest(p + 1);
                if (next > length + 1 || LongestRepeat(finder, p + 1, recent).Length > length) length = 0;
            }
            if (useRepeat || length >= 3)
            {
                encoder.Encode(ref m.IsCopy[state], 1);
                encoder.Encode(ref m.IsRepeat[state], useRepeat ? 1 : 0);
                if (useRepeat)
                {
                    length = repeat;
                    m.Integers.Encode(encoder, slot, RepeatSlot);
                    MoveToFront(recent, slot, recent[slot]);
                }
                else
                {
                    m.Integers.Encode(encoder, p - at - 1, DistanceContext);
                    MoveToFront(recent, recent.Length - 1, p - at);
                }
                m.Integers.Encode(encoder, length - MinLength, useRepeat ? RepeatLength : NewLength);
                p += length;
                state = 1;
            }
            else
            {
                encoder.Encode(ref m.IsCopy[state], 0);
                EncodeLiteral(encoder, m.Literal, p % pointBytes, filtered[p]);
                p++;
                state = 0;
            }
        }
        return encoder.Finish();
    }

    /// <summary>The filter types and the filtered bytes; a type above 4, a copy from before the start or past the end, or a stream that runs out is damage.</summary>
    public static (byte[] Types, byte[] Filtered) Decode(RangeDecoder decoder, int rows, int rowBytes, int pointBytes)
    {
        var m = new Models(pointBytes);
        var types = new byte[rows];
        int previous = 0;
        for (int r = 0; r < rows; r++)
        {
            int t = m.Integers.Decode(decoder, previous);
            if ((uint)t >= RowFilters.Types || decoder.Overrun > 0) throw Damaged();
            types[r] = (byte)t;
            previous = t;
        }
        long total = (long)rows * rowBytes;
        if (total > int.MaxValue) throw new NeuralFileException("the file declares more bytes than one array holds");
        var data = new byte[total];
        var recent = FirstDistances(rows, rowBytes, pointBytes);
        int n = (int)total, state = 0;
        for (int p = 0; p < n;)
        {
            if (decoder.Decode(ref m.IsCopy[state]) == 1)
            {
                bool repeat = decoder.Decode(ref m.IsRepeat[state]) == 1;
                int distance;
                if (repeat)
                {
                    int slot = m.Integers.Decode(decoder, RepeatSlot);
                    if ((uint)slot >= (uint)recent.Length) throw Damaged();
                    distance = recent[slot];
                    MoveToFront(recent, slot, distance);
                }
                else
                {
                    distance = m.Integers.Decode(decoder, DistanceContext) + 1;
                    MoveToFront(recent, recent.Length - 1, distance);
                }
                int length = m.Integers.Decode(decoder, repeat ? RepeatLength : NewLength) + MinLength;
                if (distance < 1 || distance > p || length < MinLength || length > n - p || decoder.Overrun > 0) throw Damaged();
                for (int k = 0; k < length; k++, p++) data[p] = data[p - distance];
                state = 1;
            }
            else
            {
                data[p] = DecodeLiteral(decoder, m.Literal, p % pointBytes);
                if (decoder.Overrun > 0) throw Damaged();
                p++;
                state = 0;
            }
        }
        return (types, data);
    }

    /// <summary>
    /// Non-negative integers v as Exp-Golomb of v + 1 (docs/format.md §10.6): n = ⌊log2(v + 1)⌋ in unary, each
    /// position its own model, then the n bits below the leading one, the first three modelled per (n, position),
    /// the rest at ½. Unlike §4.2 there is no zero flag or sign to pay for: lengths and distances are never negative.
    /// </summary>
    private sealed class CountModel(int contexts)
    {
        private const int Suffixes = 3, Stride = IntegerModel.MaxPrefix + 1 + IntegerModel.MaxPrefix * Suffixes;

        private readonly BitModel[] _models = BitModel.Create(contexts * Stride);

        public void Encode(RangeEncoder encoder, int value, int context)
        {
            if (value < 0 || value >= MaxValue) throw new ArgumentOutOfRangeException(nameof(value));
            int b = context * Stride;
            uint u = (uint)value + 1;
            int n = 31 - System.Numerics.BitOperations.LeadingZeroCount(u);
            for (int j = 0; j < n; j++) encoder.Encode(ref _models[b + j], 1);
            encoder.Encode(ref _models[b + n], 0);
            for (int j = 0; j < n; j++)
            {
                int bit = (int)(u >> (n - 1 - j)) & 1;
                if (j < Suffixes) encoder.Encode(ref _models[b + IntegerModel.MaxPrefix + 1 + (n - 1) * Suffixes + j], bit);
                else encoder.EncodeEqual(bit);
            }
        }

        public int Decode(RangeDecoder decoder, int context)
        {
            int b = context * Stride, n = 0;
            while (decoder.Decode(ref _models[b + n]) == 1)
                if (++n >= IntegerModel.MaxPrefix) throw Damaged();
            int u = 1;
            for (int j = 0; j < n; j++)
                u = (u << 1) | (j < Suffixes ? decoder.Decode(ref _models[b + IntegerModel.MaxPrefix + 1 + (n - 1) * Suffixes + j]) : decoder.DecodeEqual());
            return u - 1;
        }
    }

    private static NeuralFileException Damaged() => new("the file is damaged: its sample stream does not decode");

    /// <summary>A byte as 8 bits, most significant first, each modelled by the bits above it (a binary tree per byte position).</summary>
    private static void EncodeLiteral(RangeEncoder encoder, BitModel[] models, int position, byte value)
    {
        int node = 1;
        for (int b = 7; b >= 0; b--)
        {
            int bit = (value >> b) & 1;
            encoder.Encode(ref models[position * 256 + node], bit);
            node = 2 * node + bit;
        }
    }

    private static byte DecodeLiteral(RangeDecoder decoder, BitModel[] models, int position)
    {
        int node = 1;
        while (node < 256) node = 2 * node + decoder.Decode(ref models[position * 256 + node]);
        return (byte)(node - 256);
    }
}
