using System.Buffers;

namespace NeuralFields.Codec.Decoder.Entropy;

/// <summary>
/// Binary arithmetic (range) coder, encoding side: a 32-bit range split in proportion to each bit's
/// modelled probability, renormalised a byte at a time. A carry out of the 32-bit low end is resolved
/// by holding back the last byte and any run of 0xFF bytes after it (<see cref="ShiftLow"/>).
/// <see cref="RangeDecoder"/> mirrors every step.
/// </summary>
public sealed class RangeEncoder
{
    internal const uint Top = 1u << 24;

    private readonly ArrayBufferWriter<byte> _output = new();
    private ulong _low;
    private uint _range = uint.MaxValue;
    private byte _cache;
    private long _cacheSize = 1;
    private bool _finished;

    public void Encode(ref BitModel model, int bit)
    {
        EncodeAt(model.P0, bit);
        model.Update(bit);
    }

    /// <summary>A bit whose probability of 0 is <paramref name="p0"/>/65536 (1..65535), from a model the caller keeps.</summary>
    public void EncodeAt(uint p0, int bit)
    {
        uint bound = (_range >> 16) * p0;
        if (bit == 0)
        {
            _range = bound;
        }
        else
        {
            _low += bound;
            _range -= bound;
        }
        Normalize();
    }

    /// <summary>A bit with probability exactly ½ and no model (low bits of large numbers).</summary>
    public void EncodeEqual(int bit)
    {
        _range >>= 1;
        if (bit != 0) _low += _range;
        Normalize();
    }

    /// <summary>
    /// A symbol of a static multi-symbol model whose cumulative frequencies total 2^<see cref="FrequencyBits"/>:
    /// the range is split in units of range / 2^16 (truncated), the symbol takes [cumulative, cumulative + frequency).
    /// </summary>
    public void EncodeFrequency(uint cumulative, uint frequency)
    {
        uint unit = _range >> FrequencyBits;
        _low += (ulong)unit * cumulative;
        _range = unit * frequency;
        Normalize();
    }

    /// <summary>
    /// The stream's length so far in bits, to within a constant: the bytes already settled plus the bits the range
    /// has narrowed inside the low window. The difference across a stretch of symbols is what they cost.
    /// </summary>
    public double Bits => 8.0 * (_output.WrittenCount + _cacheSize) + 32 - Math.Log2(_range);

    /// <summary>Multi-symbol models total 2^16.</summary>
    public const int FrequencyBits = 16;

    /// <summary>Flushes the final state and returns the stream.</summary>
    public byte[] Finish()
    {
        if (!_finished)
        {
            for (int i = 0; i < 5; i++) ShiftLow();
            _finished = true;
        }
        return _output.WrittenSpan.ToArray();
    }

    private void Normalize()
    {
        while (_range < Top)
        {
            _range <<= 8;
            ShiftLow();
        }
    }

    private void ShiftLow()
    {
        if ((uint)_low < 0xFF000000u || (_low >> 32) != 0)
        {
            byte carry = (byte)(_low >> 32);
            byte pending = _cache;
            do
            {
                Put((byte)(pending + carry));
                pending = 0xFF;
            } while (--_cacheSize != 0);
            _cache = (byte)(_low >> 24);
        }
        _cacheSize++;
        _low = (_low & 0x00FF_FFFF) << 8;
    }

    private void Put(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }
}
