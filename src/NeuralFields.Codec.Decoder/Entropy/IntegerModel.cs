namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// Adaptive binarisation of signed integers, one set of bit models per context:
/// a zero flag; for v ≠ 0 a sign bit, then |v| as Exp-Golomb: n = ⌊log2 |v|⌋ in unary (n ones and a
/// zero, each position its own model), then the n bits of |v| below its leading one, most significant
/// first, the top <see cref="ModelledSuffixBits"/> modelled per (n, position) and the rest coded at ½.
/// Encoding and decoding sit side by side so they cannot drift apart.
/// </summary>
public sealed class IntegerModel
{
    /// <summary>Largest n; |v| must be below 2^MaxPrefix.</summary>
    public const int MaxPrefix = 24;

    private const int ModelledSuffixBits = 3;
    private const int Zero = 0, Sign = 1, Prefix = 2, Suffix = Prefix + MaxPrefix + 1;
    private const int Stride = Suffix + MaxPrefix * ModelledSuffixBits;

    private readonly BitModel[] _models;

    public IntegerModel(int contexts)
    {
        Contexts = contexts;
        _models = BitModel.Create(contexts * Stride);
    }

    public int Contexts { get; }

    /// <summary>Suffix bits per prefix length that have their own model (the rest are coded at ½).</summary>
    public const int ModelledSuffixes = ModelledSuffixBits;

    /// <summary>
    /// Starts one context's models at given probabilities of a 0 (in 1/65536) instead of ½: the zero flag, the sign,
    /// the <see cref="MaxPrefix"/> + 1 prefix models and the suffix models, suffix (n, j) at (n − 1)·<see cref="ModelledSuffixes"/> + j.
    /// A prior that fits the data saves what the models would spend learning it.
    /// </summary>
    public void Start(int context, uint zero, uint sign, ReadOnlySpan<uint> prefix, ReadOnlySpan<uint> suffix)
    {
        if (prefix.Length != MaxPrefix + 1 || suffix.Length != MaxPrefix * ModelledSuffixBits)
            throw new ArgumentException("one probability per prefix and modelled suffix bit");
        int b = Base(context);
        _models[b + Zero] = BitModel.StartingAt(zero);
        _models[b + Sign] = BitModel.StartingAt(sign);
        for (int i = 0; i < prefix.Length; i++) _models[b + Prefix + i] = BitModel.StartingAt(prefix[i]);
        for (int i = 0; i < suffix.Length; i++) _models[b + Suffix + i] = BitModel.StartingAt(suffix[i]);
    }

    public static int MaxMagnitude => (1 << MaxPrefix) - 1;

    public void Encode(RangeEncoder encoder, int value, int context)
    {
        int b = Base(context);
        encoder.Encode(ref _models[b + Zero], value == 0 ? 0 : 1);
        if (value == 0) return;
        encoder.Encode(ref _models[b + Sign], value < 0 ? 1 : 0);
        uint magnitude = (uint)Math.Abs((long)value);
        if (magnitude > MaxMagnitude) throw new ArgumentOutOfRangeException(nameof(value), $"|{value}| is too large to code");
        int n = 31 - System.Numerics.BitOperations.LeadingZeroCount(magnitude);
        for (int j = 0; j < n; j++) encoder.Encode(ref _models[b + Prefix + j], 1);
        encoder.Encode(ref _models[b + Prefix + n], 0);
        for (int j = 0; j < n; j++)
        {
            int bit = (int)(magnitude >> (n - 1 - j)) & 1;
            if (j < ModelledSuffixBits) encoder.Encode(ref _models[b + Suffix + (n - 1) * ModelledSuffixBits + j], bit);
            else encoder.EncodeEqual(bit);
        }
    }

    /// <summary>The next integer; a prefix longer than <see cref="MaxPrefix"/> can only come from damage.</summary>
    public int Decode(RangeDecoder decoder, int context)
    {
        int b = Base(context);
        if (decoder.Decode(ref _models[b + Zero]) == 0) return 0;
        bool negative = decoder.Decode(ref _models[b + Sign]) == 1;
        int n = 0;
        while (decoder.Decode(ref _models[b + Prefix + n]) == 1)
        {
            if (++n >= MaxPrefix) throw new NeuralFileException("the entropy-coded data is damaged (an integer prefix runs too long)");
        }
        int magnitude = 1;
        for (int j = 0; j < n; j++)
        {
            int bit = j < ModelledSuffixBits
                ? decoder.Decode(ref _models[b + Suffix + (n - 1) * ModelledSuffixBits + j])
                : decoder.DecodeEqual();
            magnitude = (magnitude << 1) | bit;
        }
        return negative ? -magnitude : magnitude;
    }

    private int Base(int context)
    {
        if ((uint)context >= (uint)Contexts) throw new ArgumentOutOfRangeException(nameof(context));
        return context * Stride;
    }
}
