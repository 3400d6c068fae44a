namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// Reversible integer transforms applied before predictive coding (docs/format.md §10.2). Each turns the
/// interleaved samples into planes in coding order; channels beyond the transformed ones (alpha) pass through.
/// </summary>
public enum ColourTransform : byte
{
    /// <summary>Planes are the channels as they are.</summary>
    None = 0,

    /// <summary>YCoCg-R (Malvar and Sullivan) on channels 0-2: Y, Co, Cg; needs at least three channels.</summary>
    YCoCgR = 1,

    /// <summary>G, R − G, B − G (WebP's subtract-green); needs at least three channels.</summary>
    SubtractGreen = 2,

    /// <summary>c0, c1 − c0 (stereo side, gray and alpha); needs exactly two channels.</summary>
    Difference = 3,
}

/// <summary>Forward and inverse of <see cref="ColourTransform"/>, exact on integers.</summary>
public static class ColourTransforms
{
    /// <summary>The transforms a signal of <paramref name="channels"/> channels may use.</summary>
    public static ColourTransform[] For(int channels) => channels switch
    {
        >= 3 => [ColourTransform.None, ColourTransform.YCoCgR, ColourTransform.SubtractGreen],
        2 => [ColourTransform.None, ColourTransform.Difference],
        _ => [ColourTransform.None],
    };

    public static bool Allowed(ColourTransform transform, int channels) => For(channels).Contains(transform);

    /// <summary>Planes in coding order, one int per grid point each.</summary>
    public static int[][] Forward(ReadOnlySpan<ushort> samples, int channels, ColourTransform transform)
    {
        int points = samples.Length / channels;
        var planes = new int[channels][];
        for (int c = 0; c < channels; c++) planes[c] = new int[points];
        for (int i = 0; i < points; i++)
        {
            int at = i * channels;
            for (int c = 0; c < channels; c++) planes[c][i] = samples[at + c];
            switch (transform)
            {
                case ColourTransform.YCoCgR:
                {
                    int r = samples[at], g = samples[at + 1], b = samples[at + 2];
                    int co = r - b, t = b + (co >> 1), cg = g - t;
                    planes[0][i] = t + (cg >> 1);
                    planes[1][i] = co;
                    planes[2][i] = cg;
                    break;
                }
                case ColourTransform.SubtractGreen:
                {
                    int r = samples[at], g = samples[at + 1], b = samples[at + 2];
                    planes[0][i] = g;
                    planes[1][i] = r - g;
                    planes[2][i] = b - g;
                    break;
                }
                case ColourTransform.Difference:
                    planes[1][i] = samples[at + 1] - samples[at];
                    break;
            }
        }
        return planes;
    }

    /// <summary>Interleaved samples back from the planes; a sample outside [0, <paramref name="maxValue"/>] is damage.</summary>
    public static ushort[] Inverse(int[][] planes, ColourTransform transform, int maxValue)
    {
        int channels = planes.Length, points = planes[0].Length;
        var samples = new ushort[(long)points * channels];
        Span<int> v = stackalloc int[channels];
        for (int i = 0; i < points; i++)
        {
            for (int c = 0; c < channels; c++) v[c] = planes[c][i];
            switch (transform)
            {
                case ColourTransform.YCoCgR:
                {
                    int y = planes[0][i], co = planes[1][i], cg = planes[2][i];
                    int t = y - (cg >> 1), g = cg + t, b = t - (co >> 1);
                    (v[0], v[1], v[2]) = (b + co, g, b);
                    break;
                }
                case ColourTransform.SubtractGreen:
                {
                    int g = planes[0][i];
                    (v[0], v[1], v[2]) = (planes[1][i] + g, g, planes[2][i] + g);
                    break;
                }
                case ColourTransform.Difference:
                    v[1] = planes[1][i] + planes[0][i];
                    break;
            }
            for (int c = 0; c < channels; c++)
            {
                if ((uint)v[c] > (uint)maxValue) throw new NeuralFileException("the file is damaged: a decoded sample is out of range");
                samples[(long)i * channels + c] = (ushort)v[c];
            }
        }
        return samples;
    }
}
