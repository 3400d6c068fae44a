namespace NeuralFields.Signals.Image;

/// <summary>
/// Inpainting baseline: every missing pixel takes the value of its nearest known pixel (Euclidean
/// distance between pixel centres). Exact, in linear time: a distance pass down each column, then
/// the lower envelope of parabolas along each row (Felzenszwalb and Huttenlocher 2012), both
/// remembering where the nearest known pixel is.
/// </summary>
public static class NearestFill
{
    public static ImageSignal Fill(ImageSignal image, PixelMask mask)
    {
        mask.RequireSize(image);
        var source = NearestKnown(mask);
        var samples = (ushort[])image.Samples.Clone();
        int c = image.Channels;
        for (long p = 0; p < source.Length; p++)
            if (source[p] != p)
                Array.Copy(image.Samples, source[p] * c, samples, p * c, c);
        return new ImageSignal(image.Width, image.Height, c, image.BitDepth, samples);
    }

    /// <summary>For every pixel, the index of a nearest known pixel (itself when known).</summary>
    public static long[] NearestKnown(PixelMask mask)
    {
        int w = mask.Width, h = mask.Height;
        if (mask.KnownCount == 0) throw new ArgumentException("the mask keeps no pixel");
        // Column pass: the row of the nearest known pixel in the same column, or -1.
        var columnRow = new int[(long)w * h];
        for (int x = 0; x < w; x++)
        {
            int last = -1;
            for (int y = 0; y < h; y++)
            {
                if (mask.Known[(long)y * w + x]) last = y;
                columnRow[(long)y * w + x] = last;
            }
            last = -1;
            for (int y = h - 1; y >= 0; y--)
            {
                long i = (long)y * w + x;
                if (mask.Known[i]) last = y;
                if (last >= 0 && (columnRow[i] < 0 || last - y < y - columnRow[i])) columnRow[i] = last;
            }
        }

        var result = new long[(long)w * h];
        var v = new int[w];
        var z = new double[w + 1];
        for (int y = 0; y < h; y++)
        {
            double F(int x) { double d = y - columnRow[(long)y * w + x]; return d * d; }
            // Lower envelope of the parabolas (x - q)^2 + F(q) over the columns q that hold a known pixel.
            int k = -1;
            for (int q = 0; q < w; q++)
            {
                if (columnRow[(long)y * w + q] < 0) continue;
                double s = double.NegativeInfinity;
                while (k >= 0)
                {
                    s = (F(q) + (double)q * q - F(v[k]) - (double)v[k] * v[k]) / (2.0 * (q - v[k]));
                    if (s > z[k]) break;
                    k--;
                }
                k++;
                v[k] = q;
                z[k] = k == 0 ? double.NegativeInfinity : s;
                z[k + 1] = double.PositiveInfinity;
            }
            int j = 0;
            for (int x = 0; x < w; x++)
            {
                while (z[j + 1] < x) j++;
                result[(long)y * w + x] = (long)columnRow[(long)y * w + v[j]] * w + v[j];
            }
        }
        return result;
    }
}
