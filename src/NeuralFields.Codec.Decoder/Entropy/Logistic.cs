using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// The logistic domain of <see cref="MixedIntegerModel"/> in integers (docs/format.md §10.8): stretch(p) = ln(p / (1 − p))
/// in 1/256 units, clamped to ±2047, read from a table of 4096 bins of p; squash its inverse back to a probability in
/// 1/65536. Both tables come from <see cref="PortableMath"/>, so every machine builds the same integers.
/// </summary>
public static class Logistic
{
    public const int Limit = 2047;

    /// <summary>Probabilities squash gives stay inside [MinP, 65536 − MinP], as the range coder needs.</summary>
    public const int MinP = 32;

    private static readonly short[] StretchTable = Enumerable.Range(0, 4096).Select(i =>
    {
        double p = (i + 0.5) / 4096;
        return (short)Math.Clamp((int)Math.Round(256 * PortableMath.Log(p / (1 - p))), -Limit, Limit);
    }).ToArray();

    private static readonly ushort[] SquashTable = Enumerable.Range(-Limit, 2 * Limit + 1).Select(x =>
        (ushort)Math.Clamp((int)Math.Round(65536 / (1 + PortableMath.Exp(-x / 256.0))), MinP, 65536 - MinP)).ToArray();

    /// <summary>ln(p / (1 − p))·256 of P(0) = <paramref name="p0"/>/65536, in [−2047, 2047].</summary>
    public static int Stretch(uint p0) => StretchTable[p0 >> 4];

    /// <summary>P(0)·65536 at logit <paramref name="x"/>/256 (clamped to ±2047).</summary>
    public static uint Squash(int x) => SquashTable[Math.Clamp(x, -Limit, Limit) + Limit];
}
