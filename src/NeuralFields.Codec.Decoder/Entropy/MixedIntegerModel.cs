using System.Runtime.CompilerServices;

namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// Integers coded with the decisions of <see cref="Binarisation"/>, each decision's probability mixed from
/// <see cref="Sets"/> adaptive models, one per context set (docs/format.md §10.8): their probabilities are stretched,
/// summed with weights in 1/65536 that a mixer context selects, squashed back, and after the bit every weight moves
/// along its input times the error (gradient descent on the coding cost, as in PAQ-style context mixing). Every
/// step is integer arithmetic, so encoder and decoder keep the same weights on every machine.
/// </summary>
public sealed class MixedIntegerModel
{
    public const int Sets = 4;

    /// <summary>Weight step: Δw = stretch · error(1/4096) · Rate / 65536.</summary>
    private const int Rate = 14;

    private const int WeightLimit = 1 << 22;

    private static readonly int[] InitialWeights = [36_000, 14_000, 14_000, 14_000];

    // The sets' models in one array (set k from _offsets[k]), and the current integer's bases into it.
    private readonly BitModel[] _models;
    private readonly int[] _offsets = new int[Sets];
    private readonly int[] _weights;
    private int _at0, _at1, _at2, _at3, _mixer;

    /// <param name="contexts">Contexts of each of the <see cref="Sets"/> sets.</param>
    /// <param name="mixers">Mixer contexts (each holds a weight vector per decision slot).</param>
    public MixedIntegerModel(IReadOnlyList<int> contexts, int mixers)
    {
        if (contexts.Count != Sets) throw new ArgumentException($"{Sets} context sets", nameof(contexts));
        _contexts = contexts.ToArray();
        Mixers = mixers;
        for (int k = 1; k < Sets; k++) _offsets[k] = _offsets[k - 1] + contexts[k - 1] * Binarisation.Slots;
        _models = BitModel.Create(_offsets[Sets - 1] + contexts[Sets - 1] * Binarisation.Slots);
        _weights = new int[mixers * Binarisation.Slots * Sets];
        for (int i = 0; i < _weights.Length; i++) _weights[i] = InitialWeights[i % Sets];
    }

    private readonly int[] _contexts;

    public IReadOnlyList<int> Contexts => _contexts;

    public int Mixers { get; }

    /// <summary>Starts context <paramref name="context"/> of set <paramref name="set"/> as <see cref="IntegerModel.Start"/> does.</summary>
    public void Start(int set, int context, uint zero, uint sign, ReadOnlySpan<uint> prefix, ReadOnlySpan<uint> suffix) =>
        IntegerModel.Start(_models.AsSpan(Base(set, context), Binarisation.Slots), zero, sign, prefix, suffix);

    /// <summary>The contexts of the next integer: one per set and the mixer's.</summary>
    public void Select(int a, int b, int c, int d, int mixer)
    {
        (_at0, _at1, _at2, _at3) = (Base(0, a), Base(1, b), Base(2, c), Base(3, d));
        if ((uint)mixer >= (uint)Mixers) throw new ArgumentOutOfRangeException(nameof(mixer));
        _mixer = mixer * Binarisation.Slots * Sets;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(RangeEncoder encoder, int value)
    {
        var coder = new Coder(this, encoder, null);
        Binarisation.Encode(ref coder, encoder, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Decode(RangeDecoder decoder)
    {
        var coder = new Coder(this, null, decoder);
        return Binarisation.Decode(ref coder, decoder);
    }

    private int Base(int set, int context)
    {
        if ((uint)context >= (uint)_contexts[set]) throw new ArgumentOutOfRangeException(nameof(context));
        return _offsets[set] + context * Binarisation.Slots;
    }

    /// <summary>The mixed P(0) of a decision, with the stretched inputs kept for <see cref="Learn"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Mix(int slot, out int s0, out int s1, out int s2, out int s3)
    {
        s0 = Logistic.Stretch(_models[_at0 + slot].P0);
        s1 = Logistic.Stretch(_models[_at1 + slot].P0);
        s2 = Logistic.Stretch(_models[_at2 + slot].P0);
        s3 = Logistic.Stretch(_models[_at3 + slot].P0);
        int w = _mixer + slot * Sets;
        long dot = (long)_weights[w] * s0 + (long)_weights[w + 1] * s1 + (long)_weights[w + 2] * s2 + (long)_weights[w + 3] * s3;
        return Logistic.Squash((int)Math.Clamp(dot >> 16, -Logistic.Limit, Logistic.Limit));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Learn(int slot, int bit, uint p0, int s0, int s1, int s2, int s3)
    {
        int error = ((bit == 0 ? 65536 : 0) - (int)p0) >> 4;          // in 1/4096, positive when 0 was under-predicted
        int w = _mixer + slot * Sets;
        _weights[w] = Math.Clamp(_weights[w] + ((s0 * error * Rate) >> 16), -WeightLimit, WeightLimit);
        _weights[w + 1] = Math.Clamp(_weights[w + 1] + ((s1 * error * Rate) >> 16), -WeightLimit, WeightLimit);
        _weights[w + 2] = Math.Clamp(_weights[w + 2] + ((s2 * error * Rate) >> 16), -WeightLimit, WeightLimit);
        _weights[w + 3] = Math.Clamp(_weights[w + 3] + ((s3 * error * Rate) >> 16), -WeightLimit, WeightLimit);
        _models[_at0 + slot].Update(bit);
        _models[_at1 + slot].Update(bit);
        _models[_at2 + slot].Update(bit);
        _models[_at3 + slot].Update(bit);
    }

    private readonly struct Coder(MixedIntegerModel model, RangeEncoder? encoder, RangeDecoder? decoder) : IDecisionEncoder, IDecisionDecoder
    {
        public void Encode(int slot, int bit)
        {
            uint p0 = model.Mix(slot, out int s0, out int s1, out int s2, out int s3);
            encoder!.EncodeAt(p0, bit);
            model.Learn(slot, bit, p0, s0, s1, s2, s3);
        }

        public int Decode(int slot)
        {
            uint p0 = model.Mix(slot, out int s0, out int s1, out int s2, out int s3);
            int bit = decoder!.DecodeAt(p0);
            model.Learn(slot, bit, p0, s0, s1, s2, s3);
            return bit;
        }
    }
}
