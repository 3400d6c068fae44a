using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// Where each scale bucket's integer model starts (docs/format.md §10.5): the bit probabilities of a discretised
/// Laplace of the bucket's scale, so a bucket codes well from its first sample and adaptation only corrects the
/// shape. For a Laplace of scale b the binarisation of §4.2 has closed forms, each a power of q(t) = exp(−t/b):
/// P(e = 0) = 1 − q(½), prefix bit n is 0 with 1 − q(2^n), and suffix bit j after prefix n with 1 / (1 + q(2^(n−1−j))).
/// </summary>
public static class BucketPriors
{
    /// <summary>The plain mode's activity sums about nine magnitudes: its bucket j stands for the network's bucket j − 6.</summary>
    public const int PlainOffset = 6;

    private static readonly uint[][] Tables = Enumerable.Range(-PlainOffset, PredictiveCoding.Buckets + PlainOffset).Select(Table).ToArray();

    /// <summary>Starts every bucket of every plane of <paramref name="model"/>; <paramref name="plain"/>[c] marks planes without a network.</summary>
    public static void Start(IntegerModel model, IReadOnlyList<bool> plain)
    {
        int stride = 2 + IntegerModel.MaxPrefix + 1;
        for (int c = 0; c < plain.Count; c++)
            for (int j = 0; j < PredictiveCoding.Buckets; j++)
            {
                var t = Tables[j + (plain[c] ? 0 : PlainOffset)];
                model.Start(c * PredictiveCoding.Buckets + j, t[0], t[1], t.AsSpan(2, IntegerModel.MaxPrefix + 1), t.AsSpan(stride));
            }
    }

    /// <summary>
    /// Starts every context of the mixed coding (§10.8): sets 0 and 1 at their bucket's table, set 2 at the table of
    /// the middle bucket of its group of eight.
    /// </summary>
    public static void Start(MixedIntegerModel model, IReadOnlyList<bool> plain)
    {
        const int buckets = PredictiveCoding.Buckets;
        for (int c = 0; c < plain.Count; c++)
        {
            for (int j = 0; j < buckets; j++)
            {
                Start(model, 0, c * buckets + j, j, plain[c]);
                for (int k = 0; k < MixingContexts.EnergyClasses; k++) Start(model, 1, (c * buckets + j) * MixingContexts.EnergyClasses + k, j, plain[c]);
            }
            for (int g = 0; g < MixingContexts.Groups; g++)
            {
                for (int p = 0; p < MixingContexts.Patterns; p++)
                    Start(model, 2, (c * MixingContexts.Groups + g) * MixingContexts.Patterns + p, Math.Min(8 * g + 4, buckets - 1), plain[c]);
                for (int p = 0; p < MixingContexts.FinePatterns; p++)
                    Start(model, 3, (c * MixingContexts.Groups + g) * MixingContexts.FinePatterns + p, Math.Min(8 * g + 4, buckets - 1), plain[c]);
            }
        }
    }

    private static void Start(MixedIntegerModel model, int set, int context, int bucket, bool plain)
    {
        int stride = 2 + IntegerModel.MaxPrefix + 1;
        var t = Tables[bucket + (plain ? 0 : PlainOffset)];
        model.Start(set, context, t[0], t[1], t.AsSpan(2, IntegerModel.MaxPrefix + 1), t.AsSpan(stride));
    }

    /// <summary>P(0)·65536, rounded, of every model for the network's bucket <paramref name="bucket"/> (b = 2^(bucket/4 − 2)).</summary>
    private static uint[] Table(int bucket)
    {
        double b = PortableMath.Exp((bucket / 4.0 - 2) * 0.6931471805599453);
        double Q(double t) => PortableMath.Exp(-t / b);
        static uint P(double p) => (uint)Math.Round(p * 65536);
        var table = new List<uint> { P(1 - Q(0.5)), 32768 };
        for (int n = 0; n <= IntegerModel.MaxPrefix; n++) table.Add(P(1 - Q(Math.ScaleB(1.0, n))));
        for (int n = 1; n <= IntegerModel.MaxPrefix; n++)
            for (int j = 0; j < IntegerModel.ModelledSuffixes; j++)
                table.Add(P(1 / (1 + Q(Math.ScaleB(1.0, n - 1 - j)))));
        return table.ToArray();
    }
}
