using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Latent;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Tests;

/// <summary>Latent-grid files (formats 3 and 5): the ARM-coded latent stream, the compact header, the fixed-point ARM and the Laplace tables.</summary>
public class LatentFileTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Latents_round_trip_exactly_through_the_file_escapes_included(bool compact)
    {
        var (config, signal, tensors) = TestFiles.Latent(23, 17);
        Assert.Contains(tensors.Where(t => LatentGridConfig.IsLatent(t.Name)).SelectMany(t => t.Values), v => Math.Abs(v) > LaplaceTables.MaxRadius);
        var bytes = NeuralFileWriter.Write(signal, config, tensors, null, null, compactLatent: compact);
        var file = NeuralFileReader.Read(bytes);
        Assert.Equal(compact ? NeuralFileFormat.CompactLatentFormatVersion : NeuralFileFormat.LatentFormatVersion, file.Header.FormatVersion);
        Assert.True(file.Header.LatentBytes > 0);
        foreach (var (written, read) in tensors.Zip(file.Tensors))
        {
            Assert.Equal(written.Name, read.Name);
            Assert.Equal(written.Values, read.Values);
            Assert.Equal(written.Steps, read.Steps);
        }
        var first = FieldDecoder.Decode(bytes).Samples;
        Assert.Equal(first, FieldDecoder.Decode(bytes).Samples);
        Assert.Equal(bytes, NeuralFileWriter.Write(signal, config, tensors, null, null, compactLatent: compact));
        Assert.Equal(ModelConfigText.Write(config), ModelConfigText.Write(file.Header.Config));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_clip_s_or_volume_s_latents_round_trip_exactly_through_a_format_3_file(int axes)
    {
        var signal = axes == 1 ? new SignalInfo("audio", [150], 2, 16) : new SignalInfo("volume", [5, 7, 6], 1, 8);
        var attributes = axes == 1 ? new Dictionary<string, string> { ["sample_rate"] = "8000", ["wav_bits"] = "16", ["wav_format"] = "pcm" } : new() { ["volume_type"] = "uint8" };
        var (config, _, tensors) = TestFiles.Latent(signal);
        Assert.Contains(tensors.Where(t => LatentGridConfig.IsLatent(t.Name)).SelectMany(t => t.Values), v => Math.Abs(v) > LaplaceTables.MaxRadius);
        var bytes = NeuralFileWriter.Write(signal, config, tensors, null, attributes);
        var file = NeuralFileReader.Read(bytes);
        Assert.Equal(NeuralFileFormat.LatentFormatVersion, file.Header.FormatVersion);
        foreach (var (written, read) in tensors.Zip(file.Tensors))
            Assert.Equal(written.Values, read.Values);
        var decoded = FieldDecoder.Decode(bytes);
        Assert.Equal(signal, decoded.Info);
        Assert.Equal(decoded.Samples, FieldDecoder.Decode(bytes).Samples);
    }

    [Fact]
    public void The_compact_header_decodes_to_what_format_3_decodes_to_in_fewer_bytes()
    {
        foreach (var (width, height, channels) in new[] { (23, 17, 3), (9, 31, 1), (16, 16, 4) })
        {
            var (config, signal, tensors) = TestFiles.Latent(width, height, channels: channels);
            var old = NeuralFileWriter.Write(signal, config, tensors, null, null, compactLatent: false);
            var compact = NeuralFileWriter.Write(signal, config, tensors);
            var oldHeader = NeuralFileReader.ReadHeader(old);
            var compactHeader = NeuralFileReader.ReadHeader(compact);
            Assert.Equal(NeuralFileFormat.CompactLatentFormatVersion, compactHeader.FormatVersion);
            Assert.Equal(FieldDecoder.Decode(old).Samples, FieldDecoder.Decode(compact).Samples);
            Assert.Equal(oldHeader.WeightBytes + oldHeader.LatentBytes, compactHeader.WeightBytes + compactHeader.LatentBytes);
            // Format 3 stores the JSON config (about 200 bytes here) and 6 bytes per tensor; format 5 a byte or two each.
            Assert.True(compact.Length + 200 < old.Length, $"{width}x{height}: compact {compact.Length} B, format 3 {old.Length} B");
        }
    }

    [Fact]
    public void A_model_the_compact_header_cannot_describe_stays_format_3()
    {
        var (config, signal, tensors) = TestFiles.Latent(12, 10);
        // A synthesis step that is not a power of two.
        var odd = tensors.Select(t => t.Name == "network.layers.0.weight" ? new QuantizedTensor(t.Name, t.Shape, t.Bits, t.Granularity, [0.01f], t.Values) : t).ToList();
        Assert.Equal(NeuralFileFormat.LatentFormatVersion, NeuralFileReader.ReadHeader(NeuralFileWriter.Write(signal, config, odd)).FormatVersion);
        // A finest grid coarser than the image.
        var coarse = config with { Encoding = ((LatentGridConfig)config.Encoding) with { Resolution = [6, 5] } };
        var coarseTensors = TestFiles.Latent(6, 5).Tensors;
        var bytes = NeuralFileWriter.Write(signal, coarse, coarseTensors);
        Assert.Equal(NeuralFileFormat.LatentFormatVersion, NeuralFileReader.ReadHeader(bytes).FormatVersion);
        Assert.Equal(signal.SampleCount * signal.Channels, FieldDecoder.Decode(bytes).Samples.Length);
    }

    [Fact]
    public void Every_damaged_or_cut_compact_header_is_one_clear_error_or_a_valid_file()
    {
        var (config, signal, tensors) = TestFiles.Latent(14, 11);
        var bytes = NeuralFileWriter.Write(signal, config, tensors);
        var header = NeuralFileReader.ReadHeader(bytes);
        for (int at = NeuralFileFormat.PreambleBytes; at < NeuralFileFormat.PreambleBytes + header.HeaderBytes; at++)
            foreach (byte flip in new byte[] { 0x01, 0x80, 0xFF })
            {
                var damaged = (byte[])bytes.Clone();
                damaged[at] ^= flip;
                FuzzTests.RepairChecksums(damaged);
                try
                {
                    FieldDecoder.Decode(damaged);
                }
                catch (NeuralFieldsException)
                {
                }
            }
        for (int length = 0; length < bytes.Length; length += 5)
            Assert.ThrowsAny<NeuralFieldsException>(() => FieldDecoder.Decode(bytes[..length]));
    }

    [Fact]
    public void Fixed_point_arm_follows_a_double_precision_reference_on_random_contexts()
    {
        var (config, _, tensors) = TestFiles.Latent(8, 8, seed: 11);
        var arm = (LatentGridConfig)config.Encoding;
        var byName = tensors.ToDictionary(t => t.Name);
        var fixedPoint = LatentPayload.Arm(arm, byName);
        var again = LatentPayload.Arm(arm, byName);
        var random = new PortableRandom(4);
        var context = new int[arm.Arm.Context];
        double worst = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            for (int i = 0; i < context.Length; i++) context[i] = (int)Math.Round((random.NextDouble() * 2 - 1) * (trial % 3 == 0 ? 40 : 4));
            var (mu, logScale) = fixedPoint.Predict(context);
            Assert.Equal((mu, logScale), again.Predict(context));           // the same integers every time
            var (muRef, logScaleRef) = Reference(arm.Arm, byName, context);
            worst = Math.Max(worst, Math.Max(Math.Abs(mu / 256.0 - muRef), Math.Abs(logScale / 256.0 - logScaleRef)));
        }
        // Each of the three layers floors to 1/256 once and the next layer's weights (Σ|w| up to ~4) spread it: under 0.1.
        Assert.True(worst < 0.1, $"fixed point strays {worst:F4} from the reference");
    }

    [Theory]
    [InlineData(6, 6, true, true)]       // six outputs: two vectors, the second half padding; weight steps 2^-k that shift the sums
    [InlineData(6, 6, true, false)]      // the same on the scalar path
    [InlineData(12, 12, false, true)]    // twelve: three vectors exactly; weight steps of 1, so no shift hides a wrong last bit
    [InlineData(12, 12, false, false)]
    public void Fixed_point_arm_gives_the_integers_of_the_format_s_formula(int contextSize, int width, bool shifted, bool vectorised)
    {
        var signal = TestFiles.Image(8, 8, 3);
        var (config, _, _) = TestFiles.Latent(signal, seed: 13);
        var arm = (LatentGridConfig)config.Encoding with { Entropy = new ArmConfig { Context = contextSize, Width = width, HiddenLayers = 2 } };
        var random = new PortableRandom(8);
        int largest = shifted ? 2047 : 63;
        var byName = ModelLayout.Tensors(config with { Encoding = arm }, signal)
            .Where(t => t.Name.StartsWith("encoding.arm.", StringComparison.Ordinal))
            .Select((t, index) => new QuantizedTensor(t.Name, t.Shape, 12, QuantizationGranularity.Tensor,
                [MathF.ScaleB(1f, shifted || t.Name.EndsWith(".bias", StringComparison.Ordinal) ? -(3 * index % 10) : 0)],
                [.. Enumerable.Range(0, t.Shape.Aggregate(1, (a, d) => a * d)).Select(_ => (int)(random.NextUInt64() % (ulong)(2 * largest + 1)) - largest)]))
            .ToDictionary(t => t.Name);
        var fixedPoint = new FixedPointArm(arm.Arm, byName, FieldLayout.Encoding(LatentGridConfig.ArmPrefix)) { Vectorised = vectorised };
        var context = new int[contextSize];
        for (int trial = 0; trial < 500; trial++)
        {
            for (int i = 0; i < context.Length; i++) context[i] = (int)(random.NextUInt64() % 61) - 30;
            Assert.Equal(IntegerReference(arm.Arm, byName, context), fixedPoint.Predict(context));
        }
    }

    /// <summary>docs/format.md §9.2 written out: one output at a time, the inputs in order, in 64-bit integers.</summary>
    private static (long Mu, long LogScale) IntegerReference(ArmConfig arm, Dictionary<string, QuantizedTensor> tensors, int[] context)
    {
        long[] a = context.Select(v => (long)v << 8).ToArray();
        for (int l = 0; l <= arm.HiddenLayers; l++)
        {
            var w = tensors[$"encoding.arm.layers.{l}.weight"];
            var b = tensors[$"encoding.arm.layers.{l}.bias"];
            int kw = FixedPointArm.FractionBits(w), kb = FixedPointArm.FractionBits(b), outputs = w.Shape[0], inputs = w.Shape[1];
            var next = new long[outputs];
            for (int o = 0; o < outputs; o++)
            {
                long acc = kb <= 8 + kw ? (long)b.Values[o] << (8 + kw - kb) : (long)b.Values[o] >> (kb - 8 - kw);
                for (int j = 0; j < inputs; j++) acc += (long)w.Values[o * inputs + j] * a[j];
                long z = Math.Clamp(acc >> kw, -(1L << 30), 1L << 30);
                next[o] = l < arm.HiddenLayers && z < 0 ? 0 : z;
            }
            a = next;
        }
        return (a[0], a[1]);
    }

    [Fact]
    public void Laplace_tables_total_two_to_the_sixteen_and_peak_at_the_mean()
    {
        for (int j = 0; j < ArmConfig.LogScaleCount; j++)
            for (int phase = 0; phase < LaplaceTables.Phases; phase++)
            {
                var cumulative = LaplaceTables.Cumulative(j, phase);
                int radius = LaplaceTables.Radius(j);
                Assert.Equal(2 * radius + 3, cumulative.Length);
                Assert.Equal(0, cumulative[0]);
                Assert.Equal(1 << 16, cumulative[^1]);
                for (int s = 0; s + 1 < cumulative.Length; s++) Assert.True(cumulative[s + 1] > cumulative[s]);
                if (LaplaceTables.Scale(j) > 4) continue;                       // wide tables are nearly flat: frequencies tie
                int peak = Enumerable.Range(0, 2 * radius + 1).MaxBy(s => cumulative[s + 1] - cumulative[s]);
                Assert.Equal(phase < 4 ? radius : radius + 1, peak);            // mean ⌊μ⌋ + (phase + ½)/8 rounds to ⌊μ⌋ or ⌊μ⌋ + 1
            }
    }

    [Fact]
    public void A_damaged_latent_stream_is_one_clear_error()
    {
        var (config, signal, tensors) = TestFiles.Latent(16, 12);
        var bytes = NeuralFileWriter.Write(signal, config, tensors);
        var header = NeuralFileReader.ReadHeader(bytes);
        int latentsAt = NeuralFileFormat.PreambleBytes + header.HeaderBytes + 4 + header.WeightBytes;
        int failures = 0;
        for (int at = latentsAt; at < latentsAt + header.LatentBytes; at += 3)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x5A;
            FuzzTests.RepairChecksums(damaged);
            try
            {
                FieldDecoder.Decode(damaged);
            }
            catch (NeuralFieldsException)
            {
                failures++;
            }
        }
        Assert.True(failures > 0, "no damaged latent stream was noticed");
        var cut = bytes[..^9];
        Assert.Contains("truncated", Assert.Throws<NeuralFileException>(() => FieldDecoder.Decode(cut)).Message);
    }

    /// <summary>The ARM in double: relu hidden layers, linear output, the file's dequantised weights.</summary>
    private static (double Mu, double LogScale) Reference(ArmConfig arm, Dictionary<string, QuantizedTensor> tensors, int[] context)
    {
        double[] x = context.Select(v => (double)v).ToArray();
        for (int l = 0; l <= arm.HiddenLayers; l++)
        {
            var w = tensors[$"encoding.arm.layers.{l}.weight"];
            var b = tensors[$"encoding.arm.layers.{l}.bias"];
            int outputs = w.Shape[0], inputs = w.Shape[1];
            var y = new double[outputs];
            for (int o = 0; o < outputs; o++)
            {
                double acc = b.Values[o] * (double)b.Steps[0];
                for (int i = 0; i < inputs; i++) acc += w.Values[o * inputs + i] * (double)w.Steps[0] * x[i];
                y[o] = l < arm.HiddenLayers ? Math.Max(0, acc) : acc;
            }
            x = y;
        }
        return (x[0], x[1]);
    }
}
