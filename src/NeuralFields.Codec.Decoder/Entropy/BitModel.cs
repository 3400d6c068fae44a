namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// An adaptive estimate of the probability that the next bit is 0, in 1/65536 units: the mean of a
/// fast estimate (learning rate 1/16, follows changes) and a slow one (1/128, precise once settled).
/// Both stay inside (0, 65536), so neither coder ever meets an empty interval.
/// </summary>
public struct BitModel
{
    private const int FastRate = 4, SlowRate = 7, One = 1 << 16;

    private int _fast, _slow;

    /// <summary>P(bit = 0) · 65536, between 71 and 65465.</summary>
    public readonly uint P0 => (uint)(_fast + _slow) >> 1;

    public void Update(int bit)
    {
        if (bit == 0)
        {
            _fast += (One - _fast) >> FastRate;
            _slow += (One - _slow) >> SlowRate;
        }
        else
        {
            _fast -= _fast >> FastRate;
            _slow -= _slow >> SlowRate;
        }
    }

    /// <summary>A model that starts at P(0) = <paramref name="p0"/>/65536 (clamped to [256, 65280]) instead of ½.</summary>
    public static BitModel StartingAt(uint p0)
    {
        int p = (int)Math.Clamp(p0, 256u, 65280u);
        return new BitModel { _fast = p, _slow = p };
    }

    /// <summary>Models at probability ½ (a new array of structs would start at 0, which is not a probability).</summary>
    public static BitModel[] Create(int count)
    {
        var models = new BitModel[count];
        Array.Fill(models, new BitModel { _fast = One / 2, _slow = One / 2 });
        return models;
    }
}
