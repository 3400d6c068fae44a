using System.Runtime.CompilerServices;
using NeuralFields.Codec.Decoder.Entropy;

namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// The context sets the mixed sample coding reads (docs/format.md §10.8), from the bucket j of a sample and the
/// residuals d = v − P of its already coded neighbours (W, N, NW, NE, WW, NN for images; the six previous samples of
/// 1-D signals; 0 where there is none): set 0 is j itself; set 1 is j with the class of the neighbours' residual
/// energy against the bucket's scale, saying whether the network's scale is too wide or too narrow here; set 2 is the
/// pattern of the W, N, NW, NE residuals' signs (below −h, within ±h, above h, h = ⌊b/2⌋ on powers of two) with j/8,
/// which follows edges and the one-step contours of smooth gradients; set 3 splits W and N finer (five classes) and
/// adds WW and NN. The mixer's weights are chosen by plane and j/8.
/// </summary>
public static class MixingContexts
{
    public const int EnergyClasses = 8, Patterns = 81, Groups = (PredictiveCoding.Buckets + 7) / 8, FinePatterns = 225;

    /// <summary>Contexts of each set for <paramref name="planes"/> planes, then the mixer contexts.</summary>
    public static (int[] Sets, int Mixers) Sizes(int planes) =>
        ([planes * PredictiveCoding.Buckets, planes * PredictiveCoding.Buckets * EnergyClasses, planes * Groups * Patterns, planes * Groups * FinePatterns], planes * Groups);

    /// <summary>Selects the contexts of plane <paramref name="plane"/>'s sample at <paramref name="index"/> with bucket <paramref name="bucket"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Select(MixedIntegerModel model, int[] residuals, int index, int width, bool oneDimensional, int plane, int bucket)
    {
        int w, n, nw, ne, ww, nn;
        if (oneDimensional)
        {
            w = index >= 1 ? residuals[index - 1] : 0;
            n = index >= 2 ? residuals[index - 2] : 0;
            nw = index >= 3 ? residuals[index - 3] : 0;
            ne = index >= 4 ? residuals[index - 4] : 0;
            ww = index >= 5 ? residuals[index - 5] : 0;
            nn = index >= 6 ? residuals[index - 6] : 0;
        }
        else
        {
            int y = index / width, x = index - y * width;
            w = x > 0 ? residuals[index - 1] : 0;
            n = y > 0 ? residuals[index - width] : 0;
            nw = y > 0 && x > 0 ? residuals[index - width - 1] : 0;
            ne = y > 0 && x < width - 1 ? residuals[index - width + 1] : 0;
            ww = x > 1 ? residuals[index - 2] : 0;
            nn = y > 1 ? residuals[index - 2 * width] : 0;
        }
        int energy = Math.Abs(w) + Math.Abs(n) + ((Math.Abs(nw) + Math.Abs(ne)) >> 1);
        int log2 = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)energy + 1);
        int energyClass = Math.Clamp(log2 - (bucket >> 2) + 4, 0, EnergyClasses - 1);
        int h = bucket < 12 ? 0 : 1 << ((bucket >> 2) - 3);
        int pattern = Ternary(w, h) + 3 * Ternary(n, h) + 9 * Ternary(nw, h) + 27 * Ternary(ne, h);
        int fine = Quinary(w, h) + 5 * Quinary(n, h) + 25 * Ternary(ww, h) + 75 * Ternary(nn, h);
        int group = plane * Groups + (bucket >> 3);
        model.Select(plane * PredictiveCoding.Buckets + bucket, (plane * PredictiveCoding.Buckets + bucket) * EnergyClasses + energyClass,
            group * Patterns + pattern, group * FinePatterns + fine, group);
    }

    private static int Ternary(int d, int h) => d < -h ? 0 : d <= h ? 1 : 2;

    private static int Quinary(int d, int h) => d < -2 * h - 1 ? 0 : d < -h ? 1 : d <= h ? 2 : d <= 2 * h + 1 ? 3 : 4;
}
