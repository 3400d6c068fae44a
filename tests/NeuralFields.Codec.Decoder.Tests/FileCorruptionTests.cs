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

    private static readonly Dictionary<string, string> Clip = new() { ["sample_rate"] = "8000", ["wav_bits"] = "16", ["wav_format"] = "pcm" };

    /// <summary>A consistent file of <paramref name="signal"/>, then one attribute's value replaced in place (same length), CRC fixed.</summary>
    private static byte[] Crafted(Schema.SignalInfo signal, Dictionary<string, string> attributes, string key, string value)
    {
        var config = TestFiles.Siren();
        var bytes = NeuralFileWriter.Write(signal, config, TestFiles.Tensors(config, signal), null, attributes);
        Assert.Equal(attributes[key].Length, value.Length);
        int at = bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(key)) + key.Length + 1;   // key, value length, value
        System.Text.Encoding.ASCII.GetBytes(value).CopyTo(bytes, at);
        FixHeaderCrc(bytes);
        return bytes;
    }

    public static TheoryData<string, string, string, string> InconsistentAttributes() => new()
    {
        { "audio16", "wav_bits", "12", "wav_bits '12' is not 8, 16, 24 or 32" },                       // a "12-bit" WAV of 1-byte samples
        { "audio16", "wav_bits", "08", "16-bit samples for PCM 8-bit WAV, which is stored as 8-bit" },  // 16-bit samples written as 8-bit
        { "audio8", "wav_bits", "16", "8-bit samples for PCM 16-bit WAV, which is stored as 16-bit" },
        { "audio16", "wav_format", "flt", "wav_format 'flt' is neither 'pcm' nor 'float'" },
        { "audio16", "sample_rate", "0000", "sample_rate '0000' is not a whole number of Hz" },
        { "volume", "volume_type", "uint08", "volume_type 'uint08' is not uint8, uint16 or float32" },
        { "volume", "volume_type", "uint32", "volume_type 'uint32' is not uint8, uint16 or float32" },
        { "float", "maximum", "+3", "" },                                                                  // still consistent: decodes
        { "float", "maximum", "-2", "a float32 volume needs finite minimum <= maximum" },
        { "shape", "scale", "0", "scale and truncation one positive number each" },
    };

    [Theory]
    [MemberData(nameof(InconsistentAttributes))]
    public void Signal_and_attributes_that_disagree_are_refused_though_the_checksums_are_valid(string kind, string key, string value, string expected)
    {
        var (signal, attributes) = kind switch
        {
            "audio16" => (new Schema.SignalInfo("audio", [40], 1, 16), Clip),
            "audio8" => (new Schema.SignalInfo("audio", [40], 1, 8), new Dictionary<string, string>(Clip) { ["wav_bits"] = "08" }),
            "volume" => (new Schema.SignalInfo("volume", [2, 3, 4], 1, 16), new Dictionary<string, string> { ["volume_type"] = "uint16" }),
            "float" => (new Schema.SignalInfo("volume", [2, 3, 4], 1, 16), new Dictionary<string, string> { ["volume_type"] = "float32", ["minimum"] = "-1", ["maximum"] = "+2" }),
            _ => (new Schema.SignalInfo("shape", [4, 4, 4], 1, 16), new Dictionary<string, string> { ["centre"] = "0 0 0", ["scale"] = "2", ["truncation"] = "0.1" }),
        };
        var bytes = Crafted(signal, attributes, key, value);
        if (expected == "")
        {
            Assert.Equal(signal.SampleCount, FieldDecoder.Decode(bytes).Samples.Length);
            return;
        }
        var message = Error(bytes);
        Assert.StartsWith($"the file is damaged: its {signal.Modality} signal is inconsistent", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void An_image_of_12_bit_samples_is_refused()
    {
        var bytes = TestFiles.Small();
        int bitDepth = NeuralFileFormat.PreambleBytes + 1 + 5 + 1 + 2 * 4 + 1;   // modality, rank, two dimensions, channels
        Assert.Equal(8, bytes[bitDepth]);
        bytes[bitDepth] = 12;
        FixHeaderCrc(bytes);
        Assert.Contains("12-bit samples where an image has 8 or 16", Error(bytes));
    }

    [Fact]
    public void The_writer_refuses_what_the_reader_would_refuse()
    {
        var config = TestFiles.Siren();
        var signal = new Schema.SignalInfo("audio", [40], 1, 16);
        var error = Assert.Throws<ArgumentException>(() =>
            NeuralFileWriter.Write(signal, config, TestFiles.Tensors(config, signal), null, new Dictionary<string, string>(Clip) { ["wav_bits"] = "8" }));
        Assert.Contains("16-bit samples for PCM 8-bit WAV", error.Message);
    }
}
