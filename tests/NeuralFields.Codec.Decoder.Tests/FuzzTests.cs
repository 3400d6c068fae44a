using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Tests;

/// <summary>
/// Flips, overwrites and truncates bytes of valid files, with and without repairing the checksums (so
/// the damage also reaches the parser and the coders behind them), and requires that decoding either
/// succeeds or fails with a clear error: no other exception, no hang, no large allocation.
/// </summary>
public class FuzzTests
{
    [Fact]
    public void Damaged_files_never_crash_hang_or_allocate_much()
    {
        var gridConfig = TestFiles.Siren(1, 8, new HashGridConfig { NLevels = 2, Log2HashmapSize = 6, BaseResolution = 4 }, new BitPlaneHeadConfig());
        var gridSignal = TestFiles.Image(4, 3, 1, 8);
        var seeds = new[]
        {
            TestFiles.Small(lossless: true),
            TestFiles.Small(lossless: false),
            TestFiles.File(gridConfig, gridSignal, TestFiles.Tensors(gridConfig, gridSignal), TestFiles.Samples(gridSignal)),
            LatentFile(),
            LatentFile(postFilter: 2),
            Write(TestFiles.Latent(new SignalInfo("audio", [40], 1, 16)), new() { ["sample_rate"] = "8000", ["wav_bits"] = "16", ["wav_format"] = "pcm" }),
            Write(TestFiles.Latent(new SignalInfo("volume", [3, 4, 5], 1, 8)), new() { ["volume_type"] = "uint8" }),
        };
        var random = new PortableRandom(99);
        var clock = Stopwatch.StartNew();
        int cases = 0, decoded = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(6) && cases < 20000)
        {
            var bytes = (byte[])seeds[cases % seeds.Length].Clone();
            int kind = (int)(random.NextUInt64() % 4);
            if (kind == 3)
            {
                bytes = bytes[..(int)(random.NextUInt64() % (ulong)bytes.Length)];
            }
            else
            {
                int flips = 1 + (int)(random.NextUInt64() % 4);
                for (int f = 0; f < flips; f++)
                {
                    int at = (int)(random.NextUInt64() % (ulong)bytes.Length);
                    bytes[at] = kind == 0 ? (byte)(bytes[at] ^ (1 << (int)(random.NextUInt64() % 8))) : (byte)random.NextUInt64();
                }
                if (kind != 0) RepairChecksums(bytes);
            }
            cases++;
            long before = GC.GetAllocatedBytesForCurrentThread();
            var start = clock.Elapsed;
            try
            {
                FieldDecoder.Decode(bytes, Limits);
                decoded++;
            }
            catch (NeuralFieldsException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"case {cases} (kind {kind}): {e.GetType().Name}: {e.Message}\n{Convert.ToHexString(bytes)}");
            }
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 32 << 20, $"case {cases} allocated too much");
            Assert.True(clock.Elapsed - start < TimeSpan.FromSeconds(2), $"case {cases} took {(clock.Elapsed - start).TotalSeconds:F2} s: {Describe(bytes)}");
        }
        Assert.True(cases > 500, $"only {cases} cases ran");
    }

    private static byte[] Write((FieldConfig Config, SignalInfo Signal, List<QuantizedTensor> Tensors) model, Dictionary<string, string> attributes) =>
        NeuralFileWriter.Write(model.Signal, model.Config, model.Tensors, null, attributes);

    /// <summary>A format-5 latent-grid image, or format 6 with a post filter of radius <paramref name="postFilter"/>.</summary>
    private static byte[] LatentFile(int postFilter = 0)
    {
        var (config, signal, tensors) = TestFiles.Latent(9, 7, postFilter: postFilter);
        return NeuralFileWriter.Write(signal, config, tensors);
    }

    /// <summary>
    /// A tiny file may rightly declare a huge grid (a field renders at any size), so what bounds memory is
    /// the reader's limit on declared points; here it is small, and a damaged dimension meets it.
    /// </summary>
    private static readonly DecodeLimits Limits = new(MaxGridPoints: 1 << 12);

    private static string Describe(byte[] bytes)
    {
        try
        {
            var h = NeuralFileReader.ReadHeader(bytes, Limits);
            return $"{string.Join("x", h.Signal.Dimensions)} {h.Signal.Channels}ch {h.Signal.BitDepth}bit {h.ConfigJson} lossless={h.Lossless}";
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }

    /// <summary>Recomputes both CRCs where the lengths still make sense, so damage gets past them.</summary>
    internal static void RepairChecksums(byte[] bytes)
    {
        if (bytes.Length < NeuralFileFormat.PreambleBytes) return;
        long headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        long crcAt = NeuralFileFormat.PreambleBytes + headerLength;
        if (crcAt + 8 > bytes.Length) return;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)crcAt), Crc32.HashToUInt32(bytes.AsSpan(0, (int)crcAt)));
        int streams = (int)crcAt + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(streams, bytes.Length - 4 - streams)));
    }
}
