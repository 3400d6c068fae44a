using System.Buffers.Binary;
using System.Text;

namespace NeuralFields.Codec.Decoder;

/// <summary>Little-endian reads inside one section of a file; running past its end is damage, never an exception of another kind.</summary>
internal ref struct ByteReader(ReadOnlySpan<byte> data, string section)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public int Position => _position;

    public bool AtEnd => _position == _data.Length;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    /// <summary>A u32 that must lie in [min, max]; the bound is checked before the caller allocates anything.</summary>
    public int Bounded(int min, int max, string what)
    {
        uint v = U32();
        if (v < (uint)min || v > (uint)max)
            throw new NeuralFileException($"the file is damaged: {what} is {v}, outside [{min}, {max}]");
        return (int)v;
    }

    public int BoundedU8(int min, int max, string what)
    {
        int v = U8();
        if (v < min || v > max)
            throw new NeuralFileException($"the file is damaged: {what} is {v}, outside [{min}, {max}]");
        return v;
    }

    /// <summary>ASCII text of a length already bounded, limited to the characters <paramref name="allowed"/> accepts.</summary>
    public string Ascii(int length, Func<char, bool> allowed, string what)
    {
        var text = Encoding.ASCII.GetString(Take(length));
        if (text.Length == 0 || !text.All(allowed))
            throw new NeuralFileException($"the file is damaged: {what} is not valid text");
        return text;
    }

    public string Utf8(int length, string what)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take(length));
        }
        catch (DecoderFallbackException)
        {
            throw new NeuralFileException($"the file is damaged: {what} is not valid UTF-8");
        }
    }

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position)
            throw new NeuralFileException($"the file is damaged: its {section} ends early");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
