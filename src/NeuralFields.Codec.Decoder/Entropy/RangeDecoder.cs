using System.Runtime.CompilerServices;
namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// Binary arithmetic (range) coder, decoding side of <see cref="RangeEncoder"/>. Reading past the end
/// of the stream yields zero bytes and is counted, so damaged input can never hang or read out of
/// bounds; callers treat <see cref="Overrun"/> as corruption.
/// </summary>
public sealed class RangeDecoder
{
    private readonly byte[] _data;
    private readonly int _end;
    private int _position;
    private uint _range = uint.MaxValue;
    private uint _code;

    public RangeDecoder(byte[] data, int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if ((long)offset + length > data.Length) throw new ArgumentOutOfRangeException(nameof(length));
        _data = data;
        _position = offset;
        _end = offset + length;
        for (int i = 0; i < 5; i++) _code = (_code << 8) | Next();
    }

    /// <summary>Bytes wanted beyond the end of the stream; a complete, undamaged stream never needs any.</summary>
    public int Overrun { get; private set; }

    /// <summary>True when the whole stream was used and nothing more: an encoder's output is read to its last byte.</summary>
    public bool EndedExactly => Overrun == 0 && _position == _end;

    public int Decode(ref BitModel model)
    {
        int bit = DecodeAt(model.P0);
        model.Update(bit);
        return bit;
    }

    /// <summary>The bit <see cref="RangeEncoder.EncodeAt"/> coded at the same probability.</summary>
    public int DecodeAt(uint p0)
    {
        uint bound = (_range >> 16) * p0;
        int bit;
        if (_code < bound)
        {
            _range = bound;
            bit = 0;
        }
        else
        {
            _code -= bound;
            _range -= bound;
            bit = 1;
        }
        Normalize();
        return bit;
    }

    public int DecodeEqual()
    {
        _range >>= 1;
        int bit = 0;
        if (_code >= _range)
        {
            _code -= _range;
            bit = 1;
        }
        Normalize();
        return bit;
    }

    /// <summary>
    /// The symbol of a static model given by its cumulative frequencies (<paramref name="cumulative"/>[0] = 0,
    /// strictly increasing, last = 2^16): the s with cumulative[s] ≤ code / unit &lt; cumulative[s + 1].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int DecodeFrequency(ReadOnlySpan<int> cumulative)
    {
        uint unit = _range >> RangeEncoder.FrequencyBits;
        uint value = _code / unit;
        if (value >= 1u << RangeEncoder.FrequencyBits)
            throw new NeuralFileException("the entropy-coded data is damaged (a symbol beyond its model)");
        int low = 0, high = cumulative.Length - 2;                   // binary search for the last cumulative ≤ value
        while (low < high)
        {
            int mid = (low + high + 1) >> 1;
            if (cumulative[mid] <= (int)value) low = mid;
            else high = mid - 1;
        }
        _code -= unit * (uint)cumulative[low];
        _range = unit * (uint)(cumulative[low + 1] - cumulative[low]);
        Normalize();
        return low;
    }

    private void Normalize()
    {
        while (_range < RangeEncoder.Top)
        {
            _range <<= 8;
            _code = (_code << 8) | Next();
        }
    }

    private byte Next()
    {
        if (_position < _end) return _data[_position++];
        Overrun++;
        return 0;
    }
}
