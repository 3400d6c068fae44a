using System.Buffers.Binary;

namespace NeuralFields.Signals.Tests;

/// <summary>
/// Writes small uncompressed baseline TIFFs (little-endian, one strip): ImageSharp 2.1's TIFF encoder
/// writes only 8-bit files, so the 16-bit, extra-sample and palette cases are made here by hand.
/// </summary>
internal static class TiffFixture
{
    public const int WhiteIsZero = 0, BlackIsZero = 1, Rgb = 2, Palette = 3;

    /// <param name="samples">Interleaved samples of <paramref name="bits"/> bits (8 or 16), row-major.</param>
    /// <param name="extraAlpha">The last of <paramref name="samplesPerPixel"/> is unassociated alpha (ExtraSamples = 2).</param>
    /// <param name="colorMap">Palette images: 3·2^bits 16-bit entries, all reds, then greens, then blues.</param>
    public static byte[] Write(int width, int height, int samplesPerPixel, int bits, int photometric, ushort[] samples,
        bool extraAlpha = false, ushort[]? colorMap = null)
    {
        var pixels = new byte[samples.Length * bits / 8];
        for (int i = 0; i < samples.Length; i++)
        {
            if (bits == 8) pixels[i] = (byte)samples[i];
            else BinaryPrimitives.WriteUInt16LittleEndian(pixels.AsSpan(2 * i), samples[i]);
        }
        int entryCount = 10 + (colorMap is null ? 0 : 1) + (extraAlpha ? 1 : 0);
        uint dataAt = (uint)(8 + 2 + 12 * entryCount + 4);
        var data = new List<byte>();
        uint Append(byte[] bytes)
        {
            uint at = dataAt + (uint)data.Count;
            data.AddRange(bytes);
            if (data.Count % 2 == 1) data.Add(0);   // TIFF values start on word boundaries
            return at;
        }
        // Up to two SHORTs fit in the entry itself; more go after the directory.
        uint bitsPerSample = samplesPerPixel <= 2
            ? (uint)(bits | (samplesPerPixel == 2 ? bits << 16 : 0))
            : Append(Shorts(Enumerable.Repeat((ushort)bits, samplesPerPixel).ToArray()));
        uint map = colorMap is null ? 0 : Append(Shorts(colorMap));
        uint strip = Append(pixels);

        var entries = new List<(ushort Tag, ushort Type, uint Count, uint Value)>
        {
            (256, 4, 1, (uint)width), (257, 4, 1, (uint)height), (258, 3, (uint)samplesPerPixel, bitsPerSample),
            (259, 3, 1, 1), (262, 3, 1, (uint)photometric), (273, 4, 1, strip), (277, 3, 1, (uint)samplesPerPixel),
            (278, 4, 1, (uint)height), (279, 4, 1, (uint)pixels.Length), (284, 3, 1, 1),
        };
        if (colorMap is not null) entries.Add((320, 3, (uint)colorMap.Length, map));
        if (extraAlpha) entries.Add((338, 3, 1, 2));

        var file = new byte[dataAt + data.Count];
        "II"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = file.AsSpan(10 + 12 * i);
            BinaryPrimitives.WriteUInt16LittleEndian(entry, entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[2..], entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], entries[i].Count);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], entries[i].Value);
        }
        data.ToArray().CopyTo(file, dataAt);
        return file;
    }

    private static byte[] Shorts(ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        return bytes;
    }
}
