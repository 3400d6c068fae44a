using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Latent;

/// <summary>
/// The integer distributions latents are range-coded with (docs/format.md §9.3): one table per log-scale
/// lattice point j (b = exp(−4 + j/4)) and per eighth of the mean's fraction, over the offsets d = k − ⌊μ⌋ in
/// [−R, R] plus an escape symbol for the rest. Built once from <see cref="PortableMath.Exp"/> and integer
/// arithmetic, so the encoder and every decoder hold the same frequencies.
/// </summary>
public static class LaplaceTables
{
    public const int Phases = 8;

    /// <summary>Offsets either side of ⌊μ⌋ a table covers at most.</summary>
    public const int MaxRadius = 64;

    private const int Total = 1 << Entropy.RangeEncoder.FrequencyBits;

    /// <summary>Every lattice point's radius, looked up per coded latent (computing it needs an exp).</summary>
    private static readonly int[] Radii = [.. Enumerable.Range(0, ArmConfig.LogScaleCount).Select(ComputeRadius)];

    private static readonly int[][] Tables = Build();

    /// <summary>The radius R of scale <paramref name="scaleIndex"/>: 2 + ⌈10·b⌉, at most <see cref="MaxRadius"/>.</summary>
    public static int Radius(int scaleIndex) => Radii[scaleIndex];

    private static int ComputeRadius(int scaleIndex) => Math.Min(MaxRadius, 2 + (int)Math.Ceiling(10 * Scale(scaleIndex)));

    public static double Scale(int scaleIndex) => PortableMath.Exp(ArmConfig.LogScaleMin + ArmConfig.LogScaleStep * scaleIndex);

    /// <summary>Cumulative frequencies, 2R + 3 entries from 0 to 2^16: offsets −R..R, then the escape.</summary>
    public static int[] Cumulative(int scaleIndex, int phase) => Tables[scaleIndex * Phases + phase];

    private static int[][] Build()
    {
        var tables = new int[ArmConfig.LogScaleCount * Phases][];
        for (int j = 0; j < ArmConfig.LogScaleCount; j++)
            for (int phase = 0; phase < Phases; phase++)
                tables[j * Phases + phase] = Table(j, phase);
        return tables;
    }

    private static int[] Table(int scaleIndex, int phase)
    {
        double b = Scale(scaleIndex);
        int radius = Radius(scaleIndex), symbols = 2 * radius + 2;
        double centre = (phase + 0.5) / Phases;                       // μ − ⌊μ⌋ at the middle of its eighth
        int budget = Total - symbols;                                  // every symbol gets 1, the rest by probability
        var cumulative = new int[symbols + 1];
        int sum = 0;
        for (int d = -radius; d <= radius; d++)
        {
            double p = Cdf(d + 0.5 - centre, b) - Cdf(d - 0.5 - centre, b);
            sum += 1 + (int)Math.Floor(p * budget);
            cumulative[d + radius + 1] = sum;
        }
        cumulative[symbols] = Total;                                   // the escape takes what is left (at least 1)
        return cumulative;
    }

    private static double Cdf(double t, double b) => t < 0 ? 0.5 * PortableMath.Exp(t / b) : 1 - 0.5 * PortableMath.Exp(-t / b);
}
