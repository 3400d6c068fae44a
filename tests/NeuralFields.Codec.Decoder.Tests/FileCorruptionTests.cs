using System.Buffers.Binary;
using System.IO.Hashing;

namespace NeuralFields.Codec.Decoder.Tests;

/// <summary>Every way a file can be wrong gets one clear <see cref="NeuralFileException"/>, never another exception.</summary>
public class FileCorruptionTests
{
    private static string Error(byte[] bytes) => Assert.Throws<NeuralFileException>(() => FieldDecoder.Decode(bytes)).Message;

    /// <summary>Rewrites the header checksum, so a test reaches the checks behind it.</summary>
    internal static void FixHeaderCrc(byte[] bytes)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        int at = NeuralFileFormat.PreambleBytes + headerLength;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), Crc32.HashToUInt32(bytes.AsSpan(0, at)));
    }

    [Fact]
    public void A_valid_file_reads_back()
    {
        var bytes = TestFiles.Small();
        var header = NeuralFileReader.ReadHeader(bytes);
        Assert.Equal("image", header.Signal.Modality);
        Assert.Equal([5, 6], header.Signal.Dimensions);
        Assert.True(header.Lossless);
        Assert.Equal(bytes.Length, header.FileBytes);
    }

    [Fact]
    public void Truncated_files_say_so_at_every_length()
    {
        var bytes = TestFiles.Small();
        for (int length = 0; length < bytes.Length; length++)
        {
            var message = Error(bytes[..length]);
            Assert.Contains("truncated", message);
        }
    }

    [Fact]
    public void Signal_attributes_make_a_version_2_file_and_bad_ones_are_refused()
    {
        var config = TestFiles.Siren();
        var signal = new Schema.SignalInfo("audio", [40], 1, 16);
        var tensors = TestFiles.Tensors(config, signal);
        var attributes = new Dictionary<string, string> { ["ka"] = "8000", ["kb"] = "pcm" };
        var bytes = NeuralFileWriter.Write(signal, config, tensors, null, attributes);
        var header = NeuralFileReader.ReadHeader(bytes);
        Assert.Equal(2, header.FormatVersion);
        Assert.Equal(attributes, header.Attributes);
        Assert.Equal(40, FieldDecoder.Decode(bytes).Samples.Length);

        // The writer refuses what a reader would refuse.
        Assert.Throws<ArgumentException>(() => NeuralFileWriter.Write(signal, config, tensors, null, new Dictionary<string, string> { ["Rate"] = "1" }));
        Assert.Throws<ArgumentException>(() => NeuralFileWriter.Write(signal, config, tensors, null, new Dictionary<string, string> { ["rate"] = "" }));

        int key = bytes.AsSpan().IndexOf("kb"u8);
        var upper = (byte[])bytes.Clone();
        upper[key] = (byte)'K';
        FixHeaderCrc(upper);
        Assert.Contains("attribute key", Error(upper));
        var twice = (byte[])bytes.Clone();
        twice[key + 1] = (byte)'a';
        FixHeaderCrc(twice);
        Assert.Contains("appears twice", Error(twice));
    }

    [Fact]
    public void Wrong_magic_is_not_a_neural_file()
    {
        Assert.Contains("not a neural file", Error("\x89PNG\r\n\x1a\n and then more bytes"u8.ToArray()));
        Assert.Contains("not a neural file", Error("hello, world"u8.ToArray()));
    }

    [Fact]
    public void Unknown_versions_are_refused_naming_the_version()
    {
        var bytes = TestFiles.Small();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 7);
        Assert.Contains("format version 7", Error(bytes));
        bytes = TestFiles.Small();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), 9);
        Assert.Contains("decoder version 9", Error(bytes));
    }

    [Fact]
    public void Flipped_bits_fail_the_header_or_payload_checksum()
    {
        var clean = TestFiles.Small();
        var header = NeuralFileReader.ReadHeader(clean);
        int payload = NeuralFileFormat.PreambleBytes + header.HeaderBytes + 4;
        foreach (int at in new[] { 20, NeuralFileFormat.PreambleBytes + header.HeaderBytes - 1 })
        {
            var bytes = (byte[])clean.Clone();
            bytes[at] ^= 0x10;
            Assert.Contains("header checksum", Error(bytes));
        }
        foreach (int at in new[] { payload, clean.Length - 6 })
        {
            var bytes = (byte[])clean.Clone();
            bytes[at] ^= 0x01;
            Assert.Contains("payload checksum", Error(bytes));
        }
    }

    [Fact]
    public void Absurd_dimensions_are_refused_before_any_allocation()
    {
        var bytes = TestFiles.Small();
        // Header: modality length (1) + "image" (5) + rank (1), then the dimensions.
        int dims = NeuralFileFormat.PreambleBytes + 1 + 5 + 1;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(dims), 100_000);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(dims + 4), 100_000);
        FixHeaderCrc(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var message = Error(bytes);
        Assert.Contains("100000x100000", message);
        Assert.Contains("over the limit", message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void Trailing_bytes_are_damage()
    {
        var bytes = TestFiles.Small().Concat(new byte[] { 1, 2, 3 }).ToArray();
        Assert.Contains("unexpected bytes", Error(bytes));
    }

    [Fact]
    public void The_writer_refuses_tensors_that_do_not_fit_the_config()
    {
        var config = TestFiles.Siren();
        var signal = TestFiles.Image(4, 4);
        var tensors = TestFiles.Tensors(config, signal);
        tensors.RemoveAt(0);
        Assert.Throws<ArgumentException>(() => NeuralFileWriter.Write(signal, config, tensors));
    }
}
