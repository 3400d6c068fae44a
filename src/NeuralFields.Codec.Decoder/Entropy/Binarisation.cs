using System.Runtime.CompilerServices;

namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>Codes the binary decisions of one integer; a slot names which decision (<see cref="Binarisation"/>'s layout).</summary>
public interface IDecisionEncoder
{
    void Encode(int slot, int bit);
}

/// <summary>The decoding side of <see cref="IDecisionEncoder"/>.</summary>
public interface IDecisionDecoder
{
    int Decode(int slot);
}

/// <summary>
/// The binarisation of signed integers (docs/format.md §4.2), written once for every model that codes its decisions:
/// a zero flag; for v ≠ 0 a sign bit, then |v| as Exp-Golomb: n = ⌊log2 |v|⌋ in unary (n ones and a zero, each
/// position its own slot), then the n bits of |v| below its leading one, most significant first, the top
/// <see cref="ModelledSuffixBits"/> in slots per (n, position) and the rest coded at ½.
/// </summary>
public static class Binarisation
{
    /// <summary>Largest n; |v| must be below 2^MaxPrefix.</summary>
    public const int MaxPrefix = 24;

    public const int ModelledSuffixBits = 3;

    public const int Zero = 0, Sign = 1, Prefix = 2, Suffix = Prefix + MaxPrefix + 1;

    /// <summary>Slots per integer: zero, sign, the prefix positions and the modelled suffix bits.</summary>
    public const int Slots = Suffix + MaxPrefix * ModelledSuffixBits;

    public static int MaxMagnitude => (1 << MaxPrefix) - 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Encode<T>(ref T coder, RangeEncoder encoder, int value) where T : struct, IDecisionEncoder
    {
        coder.Encode(Zero, value == 0 ? 0 : 1);
        if (value == 0) return;
        coder.Encode(Sign, value < 0 ? 1 : 0);
        uint magnitude = (uint)Math.Abs((long)value);
        if (magnitude > MaxMagnitude) throw new ArgumentOutOfRangeException(nameof(value), $"|{value}| is too large to code");
        int n = 31 - System.Numerics.BitOperations.LeadingZeroCount(magnitude);
        for (int j = 0; j < n; j++) coder.Encode(Prefix + j, 1);
        coder.Encode(Prefix + n, 0);
        for (int j = 0; j < n; j++)
        {
            int bit = (int)(magnitude >> (n - 1 - j)) & 1;
            if (j < ModelledSuffixBits) coder.Encode(Suffix + (n - 1) * ModelledSuffixBits + j, bit);
            else encoder.EncodeEqual(bit);
        }
    }

    /// <summary>The next integer; a prefix longer than <see cref="MaxPrefix"/> can only come from damage.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Decode<T>(ref T coder, RangeDecoder decoder) where T : struct, IDecisionDecoder
    {
        if (coder.Decode(Zero) == 0) return 0;
        bool negative = coder.Decode(Sign) == 1;
        int n = 0;
        while (coder.Decode(Prefix + n) == 1)
        {
            if (++n >= MaxPrefix) throw new NeuralFileException("the entropy-coded data is damaged (an integer prefix runs too long)");
        }
        int magnitude = 1;
        for (int j = 0; j < n; j++)
        {
            int bit = j < ModelledSuffixBits ? coder.Decode(Suffix + (n - 1) * ModelledSuffixBits + j) : decoder.DecodeEqual();
            magnitude = (magnitude << 1) | bit;
        }
        return negative ? -magnitude : magnitude;
    }
}
