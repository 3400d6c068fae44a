using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NeuralFields.Codec.Decoder;

/// <summary>Little-endian writes of a file's fixed fields, the counterpart of <see cref="ByteReader"/>; a value that does not fit its width is our bug (checked).</summary>
internal static class ByteWriting
{
    /// <summary>A length byte, then the ASCII text.</summary>
    public static void Ascii(ArrayBufferWriter<byte> w, string text)
    {
        U8(w, text.Length);
        w.Write(Encoding.ASCII.GetBytes(text));
    }

    /// <summary>The attribute list of docs/format.md §2: a count, then each key and value as <see cref="Ascii"/>, keys in byte order.</summary>
    public static void Attributes(ArrayBufferWriter<byte> w, IReadOnlyDictionary<string, string> attributes)
    {
        U8(w, attributes.Count);
        foreach (var (key, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Ascii(w, key);
            Ascii(w, value);
        }
    }

    public static void U8(ArrayBufferWriter<byte> w, int v)
    {
        w.GetSpan(1)[0] = checked((byte)v);
        w.Advance(1);
    }

    public static void U16(ArrayBufferWriter<byte> w, int v)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(w.GetSpan(2), checked((ushort)v));
        w.Advance(2);
    }

    public static void U32(ArrayBufferWriter<byte> w, uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(w.GetSpan(4), v);
        w.Advance(4);
    }
}
