namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// Adaptive coding of signed integers: the decisions of <see cref="Binarisation"/>, each slot of each context its
/// own <see cref="BitModel"/>. Encoding and decoding share the binarisation so they cannot drift apart.
/// </summary>
public sealed class IntegerModel
{
    /// <summary>Largest n; |v| must be below 2^MaxPrefix.</summary>
    public const int MaxPrefix = Binarisation.MaxPrefix;

    /// <summary>Suffix bits per prefix length that have their own model (the rest are coded at ½).</summary>
    public const int ModelledSuffixes = Binarisation.ModelledSuffixBits;

    private readonly BitModel[] _models;

    public IntegerModel(int contexts)
    {
        Contexts = contexts;
        _models = BitModel.Create(contexts * Binarisation.Slots);
    }

    public int Contexts { get; }

    /// <summary>
    /// Starts one context's models at given probabilities of a 0 (in 1/65536) instead of ½: the zero flag, the sign,
    /// the <see cref="MaxPrefix"/> + 1 prefix models and the suffix models, suffix (n, j) at (n − 1)·<see cref="ModelledSuffixes"/> + j.
    /// A prior that fits the data saves what the models would spend learning it.
    /// </summary>
    public void Start(int context, uint zero, uint sign, ReadOnlySpan<uint> prefix, ReadOnlySpan<uint> suffix) =>
        Start(_models.AsSpan(Base(context), Binarisation.Slots), zero, sign, prefix, suffix);

    /// <summary>Starts the <see cref="Binarisation.Slots"/> models of one context (shared with <see cref="MixedIntegerModel"/>).</summary>
    internal static void Start(Span<BitModel> models, uint zero, uint sign, ReadOnlySpan<uint> prefix, ReadOnlySpan<uint> suffix)
    {
        if (prefix.Length != MaxPrefix + 1 || suffix.Length != MaxPrefix * ModelledSuffixes)
            throw new ArgumentException("one probability per prefix and modelled suffix bit");
        models[Binarisation.Zero] = BitModel.StartingAt(zero);
        models[Binarisation.Sign] = BitModel.StartingAt(sign);
        for (int i = 0; i < prefix.Length; i++) models[Binarisation.Prefix + i] = BitModel.StartingAt(prefix[i]);
        for (int i = 0; i < suffix.Length; i++) models[Binarisation.Suffix + i] = BitModel.StartingAt(suffix[i]);
    }

    public static int MaxMagnitude => Binarisation.MaxMagnitude;

    public void Encode(RangeEncoder encoder, int value, int context)
    {
        var coder = new Coder(_models, Base(context), encoder, null);
        Binarisation.Encode(ref coder, encoder, value);
    }

    /// <summary>The next integer; a prefix longer than <see cref="MaxPrefix"/> can only come from damage.</summary>
    public int Decode(RangeDecoder decoder, int context)
    {
        var coder = new Coder(_models, Base(context), null, decoder);
        return Binarisation.Decode(ref coder, decoder);
    }

    private int Base(int context)
    {
        if ((uint)context >= (uint)Contexts) throw new ArgumentOutOfRangeException(nameof(context));
        return context * Binarisation.Slots;
    }

    private readonly struct Coder(BitModel[] models, int at, RangeEncoder? encoder, RangeDecoder? decoder) : IDecisionEncoder, IDecisionDecoder
    {
        public void Encode(int slot, int bit) => encoder!.Encode(ref models[at + slot], bit);

        public int Decode(int slot) => decoder!.Decode(ref models[at + slot]);
    }
}
