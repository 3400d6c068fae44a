namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// The byte rows of the matches mode (docs/format.md §10.6): samples as big-endian bytes (one per sample up to 8
/// bits, two above), grid points interleaved as PNG lays them out, and PNG's five row filters (none, sub, up, average,
/// Paeth) over them. Synthetic images (gradients, repeated tiles) become long runs of equal bytes that LZ77 matches.
/// </summary>
public static class RowFilters
{
    public const int Types = 5;

    public static int BytesPerSample(int bitDepth) => bitDepth <= 8 ? 1 : 2;

    /// <summary>Rows and bytes per row: an image's pixel rows, a 1-D signal as one row.</summary>
    public static (int Rows, int RowBytes, int PointBytes) Layout(int[] dimensions, int channels, int bitDepth)
    {
        int point = channels * BytesPerSample(bitDepth);
        return dimensions.Length == 2 ? (dimensions[0], checked(dimensions[1] * point), point) : (1, checked(dimensions[0] * point), point);
    }

    public static byte[] ToBytes(ReadOnlySpan<ushort> samples, int bitDepth)
    {
        int each = BytesPerSample(bitDepth);
        var bytes = new byte[samples.Length * each];
        for (int i = 0; i < samples.Length; i++)
        {
            if (each == 1) bytes[i] = (byte)samples[i];
            else (bytes[2 * i], bytes[2 * i + 1]) = ((byte)(samples[i] >> 8), (byte)samples[i]);
        }
        return bytes;
    }

    /// <summary>The samples back; one above 2^<paramref name="bitDepth"/> − 1 is damage.</summary>
    public static ushort[] FromBytes(ReadOnlySpan<byte> bytes, int bitDepth)
    {
        int each = BytesPerSample(bitDepth), max = (1 << bitDepth) - 1;
        var samples = new ushort[bytes.Length / each];
        for (int i = 0; i < samples.Length; i++)
        {
            int v = each == 1 ? bytes[i] : (bytes[2 * i] << 8) | bytes[2 * i + 1];
            if (v > max) throw new NeuralFileException("the file is damaged: a decoded sample is out of range");
            samples[i] = (ushort)v;
        }
        return samples;
    }

    /// <summary>Filters row <paramref name="row"/> of <paramref name="raw"/> with <paramref name="type"/> into <paramref name="output"/>.</summary>
    public static void Filter(ReadOnlySpan<byte> raw, int row, int rowBytes, int pointBytes, int type, Span<byte> output)
    {
        var x = raw.Slice(row * rowBytes, rowBytes);
        var up = row > 0 ? raw.Slice((row - 1) * rowBytes, rowBytes) : ReadOnlySpan<byte>.Empty;
        for (int i = 0; i < rowBytes; i++) output[i] = (byte)(x[i] - Predict(x, up, i, pointBytes, type));
    }

    /// <summary>Undoes the filters in place, row by row (each row's prediction reads the row above, already undone).</summary>
    public static void Unfilter(Span<byte> data, ReadOnlySpan<byte> types, int rowBytes, int pointBytes)
    {
        for (int row = 0; row < types.Length; row++)
        {
            var x = data.Slice(row * rowBytes, rowBytes);
            ReadOnlySpan<byte> up = row > 0 ? data.Slice((row - 1) * rowBytes, rowBytes) : ReadOnlySpan<byte>.Empty;
            for (int i = 0; i < rowBytes; i++) x[i] = (byte)(x[i] + Predict(x, up, i, pointBytes, types[row]));
        }
    }

    /// <summary>
    /// PNG's choice per row: the filter whose output, read as signed bytes, has the smallest sum of magnitudes.
    /// </summary>
    public static byte[] Adaptive(ReadOnlySpan<byte> raw, int rows, int rowBytes, int pointBytes)
    {
        var types = new byte[rows];
        var scratch = new byte[rowBytes];
        for (int row = 0; row < rows; row++)
        {
            long best = long.MaxValue;
            for (int t = 0; t < Types; t++)
            {
                Filter(raw, row, rowBytes, pointBytes, t, scratch);
                long sum = 0;
                foreach (byte b in scratch) sum += Math.Abs((int)(sbyte)b);
                if (sum < best) (best, types[row]) = (sum, (byte)t);
            }
        }
        return types;
    }

    private static int Predict(ReadOnlySpan<byte> x, ReadOnlySpan<byte> up, int i, int pointBytes, int type)
    {
        int a = i >= pointBytes ? x[i - pointBytes] : 0;
        int b = up.IsEmpty ? 0 : up[i];
        int c = i >= pointBytes && !up.IsEmpty ? up[i - pointBytes] : 0;
        return type switch
        {
            0 => 0,
            1 => a,
            2 => b,
            3 => (a + b) >> 1,
            _ => Paeth(a, b, c),
        };
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
