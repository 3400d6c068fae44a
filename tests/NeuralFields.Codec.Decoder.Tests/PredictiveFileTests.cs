using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder.Tests;

/// <summary>Format-4 files without training: plain and stored modes, and networks with seeded random weights.</summary>
public class PredictiveFileTests
{
    private static (SignalInfo Info, ushort[] Samples) Image(int width, int height, int channels, int bits, int seed = 1)
    {
        var random = new PortableRandom((ulong)seed);
        int max = (1 << bits) - 1;
        var samples = new ushort[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    double smooth = 0.5 + 0.3 * Math.Sin(0.3 * x + 0.2 * y + c) + 0.05 * random.NextGaussian();
                    samples[(y * width + x) * channels + c] = (ushort)Math.Round(Math.Clamp(smooth, 0, 1) * max);
                }
        return (new SignalInfo("image", [height, width], channels, bits), samples);
    }

    private static (SignalInfo Info, ushort[] Samples, IReadOnlyDictionary<string, string> Attributes) Clip(int frames, int channels)
    {
        var samples = new ushort[frames * channels];
        for (int t = 0; t < frames; t++)
            for (int c = 0; c < channels; c++)
                samples[t * channels + c] = (ushort)(32768 + 12000 * Math.Sin(0.05 * t + c) + 300 * Math.Sin(1.7 * t));
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["sample_rate"] = "8000", ["wav_bits"] = "16", ["wav_format"] = "pcm" };
        return (new SignalInfo("audio", [frames], channels, 16), samples, attributes);
    }

    /// <summary>A network per plane with seeded random weights: not trained, but a valid model the coder must follow exactly.</summary>
    private static PredictorNet[] RandomNets(SignalInfo signal, int hidden, int width, int seed)
    {
        var random = new PortableRandom((ulong)seed);
        return Enumerable.Range(0, signal.Channels).Select(c =>
        {
            var shape = new PredictorShape(SampleContext.FeatureCount(signal.Dimensions.Length == 1, c), hidden, width,
                Enumerable.Range(0, hidden + 1).Select(l => 8 + l).ToArray(), 3, 2);
            var tensors = shape.Layers().SelectMany(l => new[] { l.Out * l.In, l.Out })
                .Select(n => Enumerable.Range(0, n).Select(_ => (int)(random.NextGaussian() * 300)).ToArray()).ToList();
            return new PredictorNet(shape, tensors);
        }).ToArray();
    }

    [Theory]
    [InlineData(13, 9, 3, 8)]
    [InlineData(7, 11, 1, 16)]
    [InlineData(6, 5, 4, 8)]
    [InlineData(5, 6, 2, 16)]
    [InlineData(1, 1, 3, 8)]
    [InlineData(4, 1, 1, 8)]
    public void Every_mode_and_transform_round_trips_exactly(int width, int height, int channels, int bits)
    {
        var (info, samples) = Image(width, height, channels, bits);
        foreach (var transform in ColourTransforms.For(channels))
            foreach (bool gradient in new[] { false, true })
                foreach (bool mixing in new[] { false, true })
                {
                    Assert.Equal(samples, FieldDecoder.Decode(PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Plain, transform, null, gradient, mixing: mixing)).Samples);
                    var nets = RandomNets(info, 1, 8, 3);
                    var file = PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Network, transform, nets, gradient, mixing: mixing);
                    Assert.Equal(mixing, PredictiveFile.ReadHeader(file).Mixing);
                    Assert.Equal(samples, FieldDecoder.Decode(file).Samples);
                }
        Assert.Equal(samples, FieldDecoder.Decode(PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Stored, ColourTransform.None)).Samples);
        Assert.Equal(samples, FieldDecoder.Decode(PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Matches, ColourTransform.None)).Samples);
    }

    [Theory]
    [InlineData(1, 8)]
    [InlineData(3, 8)]
    [InlineData(2, 16)]
    [InlineData(4, 16)]
    [InlineData(3, 16)]
    public void The_matches_mode_round_trips_every_filter_and_copy(int channels, int bits)
    {
        // Tiles (long copies at several distances), a noisy band (literals) and extreme values (filter wrap-around).
        int width = 23, height = 17, max = (1 << bits) - 1;
        var random = new PortableRandom(9);
        var samples = new ushort[width * height * channels];
        for (int i = 0; i < samples.Length; i++)
        {
            int at = i / channels, y = at / width, x = at % width;
            samples[i] = y is > 6 and < 10 ? (ushort)(random.NextUInt64() & (ulong)max) : (ushort)((x % 5 + 3 * (y % 3)) * 977 % (max + 1));
            if (x == width - 1) samples[i] = (ushort)(y % 2 * max);
        }
        var info = new SignalInfo("image", [height, width], channels, bits);
        var file = PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Matches, ColourTransform.None);
        Assert.Equal(PredictiveMode.Matches, PredictiveFile.ReadHeader(file).Mode);
        Assert.Equal(samples, FieldDecoder.Decode(file).Samples);
        var raw = RowFilters.ToBytes(samples, bits);
        var (rows, rowBytes, point) = RowFilters.Layout(info.Dimensions, channels, bits);
        for (int t = 0; t < RowFilters.Types; t++)
        {
            var types = Enumerable.Range(0, rows).Select(r => (byte)((r + t) % RowFilters.Types)).ToArray();
            var filtered = new byte[raw.Length];
            for (int r = 0; r < rows; r++) RowFilters.Filter(raw, r, rowBytes, point, types[r], filtered.AsSpan(r * rowBytes, rowBytes));
            var stream = MatchCoding.Encode(filtered, types, rowBytes, point);
            var decoder = new Entropy.RangeDecoder(stream, 0, stream.Length);
            var (backTypes, back) = MatchCoding.Decode(decoder, rows, rowBytes, point);
            Assert.True(decoder.EndedExactly);
            Assert.Equal(types, backTypes);
            Assert.Equal(filtered, back);
            RowFilters.Unfilter(back, backTypes, rowBytes, point);
            Assert.Equal(raw, back);
        }
    }

    [Fact]
    public void The_matches_mode_codes_a_flat_image_and_a_tiled_one_in_a_few_bytes()
    {
        var info = new SignalInfo("image", [64, 64], 3, 16);
        var flat = Enumerable.Repeat((ushort)40000, 64 * 64 * 3).ToArray();
        var tiled = Enumerable.Range(0, 64 * 64 * 3).Select(i => (ushort)(i / 3 % 8 * 5000 + i / 3 / 64 % 8 * 700 + i % 3)).ToArray();
        var flatFile = PredictiveFile.Write(info, SignalAttributes.None, flat, PredictiveMode.Matches, ColourTransform.None);
        var tiledFile = PredictiveFile.Write(info, SignalAttributes.None, tiled, PredictiveMode.Matches, ColourTransform.None);
        Assert.True(flatFile.Length < 70, $"{flatFile.Length} bytes for a flat 64x64 RGB 16-bit image");
        Assert.True(tiledFile.Length < 200, $"{tiledFile.Length} bytes for an 8x8 tile repeated");
        Assert.Equal(tiled, FieldDecoder.Decode(tiledFile).Samples);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Pcm_clips_round_trip_on_the_one_dimensional_context(int channels)
    {
        var (info, samples, attributes) = Clip(300, channels);
        foreach (var transform in ColourTransforms.For(channels))
        {
            var file = PredictiveFile.Write(info, attributes, samples, PredictiveMode.Network, transform, RandomNets(info, 2, 6, 5));
            var decoded = PredictiveFile.Decode(file);
            Assert.Equal(samples, decoded.Samples);
            Assert.Equal("8000", decoded.Attributes["sample_rate"]);
        }
        Assert.Equal(samples, PredictiveFile.Decode(PredictiveFile.Write(info, attributes, samples, PredictiveMode.Matches, ColourTransform.None)).Samples);
        LmsStage[] cascade = [new(40, 3), new(8, 2)];
        foreach (var transform in ColourTransforms.For(channels))
        {
            var plain = PredictiveFile.Write(info, attributes, samples, PredictiveMode.Plain, transform, stages: cascade);
            var network = PredictiveFile.Write(info, attributes, samples, PredictiveMode.Network, transform, RandomNets(info, 1, 4, 6), stages: cascade);
            Assert.Equal(cascade, PredictiveFile.ReadHeader(network).Stages);
            Assert.Equal(samples, PredictiveFile.Decode(plain).Samples);
            Assert.Equal(samples, PredictiveFile.Decode(network).Samples);
        }
    }

    [Fact]
    public void The_adaptive_cascade_follows_a_changing_clip_and_encoder_and_decoder_agree_on_every_prediction()
    {
        // A tone whose pitch and loudness change: one fixed predictor fits it badly, the cascade follows it.
        var samples = new ushort[6000];
        double phase = 0;
        for (int t = 0; t < samples.Length; t++)
        {
            phase += 0.02 + 0.25 * t / samples.Length;
            samples[t] = (ushort)(32768 + (3000 + t) * Math.Sin(phase) + 900 * Math.Sin(2.7 * phase));
        }
        var (info, _, attributes) = Clip(samples.Length, 1);
        LmsStage[] cascade = [new(32, 3), new(16, 4)];
        var plain = PredictiveFile.Write(info, attributes, samples, PredictiveMode.Plain, ColourTransform.None);
        var adaptive = PredictiveFile.Write(info, attributes, samples, PredictiveMode.Plain, ColourTransform.None, stages: cascade);
        Assert.True(adaptive.Length < plain.Length * 0.8, $"{adaptive.Length} bytes with the cascade, {plain.Length} without");
        Assert.Equal(samples, PredictiveFile.Decode(adaptive).Samples);

        var planes = ColourTransforms.Forward(samples, 1, ColourTransform.None);
        var start = PredictiveFile.StartValues(ColourTransform.None, 1, 16);
        var nets = RandomNets(info, 1, 6, 8);
        var encoded = new List<(int, int, int, int)>();
        var stream = PredictiveCoding.Encode(planes, info.Dimensions, start, nets, (c, i, p, j) => encoded.Add((c, i, p, j)), stages: cascade);
        var decoded = new List<(int, int, int, int)>();
        var back = PredictiveCoding.Decode(new Entropy.RangeDecoder(stream, 0, stream.Length), info.Dimensions, info.SampleCount, start, nets,
            (c, i, p, j) => decoded.Add((c, i, p, j)), stages: cascade);
        Assert.Equal(encoded, decoded);
        Assert.Equal(planes, back);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encoder_and_decoder_compute_the_same_prediction_and_bucket_for_every_sample(bool mixing)
    {
        var (info, samples) = Image(17, 12, 3, 8, seed: 7);
        var nets = RandomNets(info, 2, 12, 11);
        var planes = ColourTransforms.Forward(samples, 3, ColourTransform.YCoCgR);
        var start = PredictiveFile.StartValues(ColourTransform.YCoCgR, 3, 8);
        var encoded = new List<(int, int, int, int)>();
        var stream = PredictiveCoding.Encode(planes, info.Dimensions, start, nets, (c, i, p, j) => encoded.Add((c, i, p, j)), mixing: mixing);
        var decoded = new List<(int, int, int, int)>();
        var back = PredictiveCoding.Decode(new Entropy.RangeDecoder(stream, 0, stream.Length), info.Dimensions, info.SampleCount, start, nets,
            (c, i, p, j) => decoded.Add((c, i, p, j)), mixing: mixing);
        Assert.Equal(encoded, decoded);
        Assert.Equal(planes, back);
        Assert.True(encoded.Select(e => e.Item4).Distinct().Count() > 1, "random weights should spread the samples over several buckets");
    }

    [Fact]
    public void Each_planes_share_of_the_stream_adds_up_to_its_length()
    {
        var (info, samples) = Image(40, 30, 3, 8, seed: 4);
        var planes = ColourTransforms.Forward(samples, 3, ColourTransform.YCoCgR);
        var start = PredictiveFile.StartValues(ColourTransform.YCoCgR, 3, 8);
        var bits = new double[3];
        var stream = PredictiveCoding.Encode(planes, info.Dimensions, start, RandomNets(info, 1, 8, 5), mixing: true, planeBits: bits);
        // Finishing flushes at most 5 bytes beyond the bits the symbols narrowed the range by.
        Assert.InRange(stream.Length * 8 - bits.Sum(), 0, 48);
        Assert.All(bits, b => Assert.True(b > 100, $"{b:F0} bits for a 40x30 plane"));
    }

    [Fact]
    public void Mixed_coding_follows_the_one_step_contours_of_a_smooth_gradient_better_than_the_buckets_alone()
    {
        // A 16-bit rendering's smooth patch: a slow ramp rounded to integers, so W + N − NW misses by ±1 along contour lines.
        const int width = 160, height = 120;
        var ramp = new ushort[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                ramp[y * width + x] = (ushort)Math.Floor(20000 + 0.137 * x + 0.071 * y + 3 * Math.Sin(0.05 * x * y / 40.0));
        var info = new SignalInfo("image", [height, width], 1, 16);
        var bucketsOnly = PredictiveFile.Write(info, SignalAttributes.None, ramp, PredictiveMode.Plain, ColourTransform.None, gradient: true);
        var mixed = PredictiveFile.Write(info, SignalAttributes.None, ramp, PredictiveMode.Plain, ColourTransform.None, gradient: true, mixing: true);
        Assert.Equal(ramp, FieldDecoder.Decode(mixed).Samples);
        Assert.True(mixed.Length < 0.9 * bucketsOnly.Length, $"mixed {mixed.Length} B against {bucketsOnly.Length} B with the buckets alone");
    }

    [Fact]
    public void The_fixed_point_network_gives_the_same_outputs_for_the_same_context_every_time()
    {
        var (info, _) = Image(4, 4, 3, 8);
        var net = RandomNets(info, 3, 16, 13)[2];
        var random = new PortableRandom(17);
        for (int n = 0; n < 200; n++)
        {
            var features = Enumerable.Range(0, net.Shape.Inputs).Select(_ => (int)(random.NextGaussian() * 2000)).ToArray();
            var copy = new PredictorNet(net.Shape, net.Tensors.Select(t => t.ToArray()).ToList());
            Assert.Equal(net.Predict(features), copy.Predict(features));
        }
    }

    [Theory]
    [InlineData(0, 1, true)]
    [InlineData(1, 16, true)]
    [InlineData(2, 16, true)]
    [InlineData(3, 7, true)]      // seven outputs: the second vector half padding
    [InlineData(2, 16, false)]    // the scalar path
    [InlineData(3, 7, false)]
    public void The_network_computes_the_arithmetic_of_the_format_document_on_random_contexts(int hidden, int width, bool vectorised)
    {
        var (info, _) = Image(4, 4, 3, 16);
        var random0 = RandomNets(info, hidden, width, 19)[1];
        var net = new PredictorNet(random0.Shape, random0.Tensors.Select(t => t.ToArray()).ToList()) { Vectorised = vectorised };
        var random = new PortableRandom(23);
        for (int n = 0; n < 300; n++)
        {
            var features = Enumerable.Range(0, net.Shape.Inputs).Select(_ => (int)(random.NextGaussian() * 30000)).ToArray();
            Assert.Equal(Reference(net, features), net.Predict(features));
        }
    }

    /// <summary>docs/format.md §10.4 written out as plainly as possible: scalar loops, one layer at a time.</summary>
    private static (long, long) Reference(PredictorNet net, int[] features)
    {
        const int f = PredictorNet.Fraction;
        var shape = net.Shape;
        var tensors = net.Tensors.ToList();
        var a = features.Select(v => ((long)v << f) >> shape.InputShift).ToArray();
        var h = Array.Empty<long>();
        var layers = shape.Layers().ToList();
        for (int l = 0; l < layers.Count; l++)
        {
            bool last = l == layers.Count - 1;
            var input = last ? h.Concat(a).ToArray() : l == 0 ? a : h;
            var (outputs, inputs) = layers[l];
            var z = new long[outputs];
            for (int o = 0; o < outputs; o++)
            {
                long acc = (long)tensors[2 * l + 1][o] << f;
                for (int j = 0; j < inputs; j++) acc += (long)tensors[2 * l][o * inputs + j] * input[j];
                z[o] = Math.Clamp(acc >> shape.WeightFractions[l], -(1L << 36), 1L << 36);
                if (!last) z[o] = Math.Max(z[o], 0);
            }
            h = z;
        }
        return (h[0], h[1]);
    }

    [Fact]
    public void The_gradient_predictor_codes_a_ramp_in_a_few_bytes()
    {
        var info = new SignalInfo("image", [32, 32], 1, 16);
        var ramp = Enumerable.Range(0, 32 * 32).Select(i => (ushort)(1000 + 517 * (i % 32) + 1301 * (i / 32))).ToArray();
        var file = PredictiveFile.Write(info, SignalAttributes.None, ramp, PredictiveMode.Plain, ColourTransform.None, null, gradient: true);
        var med = PredictiveFile.Write(info, SignalAttributes.None, ramp, PredictiveMode.Plain, ColourTransform.None);
        Assert.True(file.Length < 300 && file.Length < med.Length / 2, $"{file.Length} bytes, {med.Length} with MED, 2048 raw");
        Assert.Equal(ramp, FieldDecoder.Decode(file).Samples);
    }

    [Fact]
    public void Plain_mode_codes_a_flat_image_in_a_few_bytes()
    {
        var info = new SignalInfo("image", [16, 16], 3, 8);
        var samples = Enumerable.Repeat((ushort)77, 16 * 16 * 3).ToArray();
        var file = PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Plain, ColourTransform.None);
        Assert.True(file.Length < 90, $"{file.Length} bytes");
        Assert.Equal(samples, FieldDecoder.Decode(file).Samples);
    }

    [Fact]
    public void Every_truncation_and_byte_flip_fails_with_one_clear_error()
    {
        var (info, samples) = Image(6, 5, 3, 8);
        foreach (var file in new[]
        {
            PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Network, ColourTransform.YCoCgR, RandomNets(info, 1, 4, 2)),
            PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Network, ColourTransform.YCoCgR, RandomNets(info, 1, 4, 2), mixing: true),
            PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Matches, ColourTransform.None),
        })
            TruncationsAndFlipsFail(file);
        var (clip, pcm, attributes) = Clip(40, 2);
        TruncationsAndFlipsFail(PredictiveFile.Write(clip, attributes, pcm, PredictiveMode.Plain, ColourTransform.Difference, stages: [new LmsStage(300, 5)]));
    }

    private static void TruncationsAndFlipsFail(byte[] file)
    {
        for (int length = 0; length < file.Length; length++)
            Assert.Throws<NeuralFileException>(() => FieldDecoder.Decode(file[..length]));
        for (int i = 0; i < file.Length; i++)
        {
            var damaged = file.ToArray();
            damaged[i] ^= 0x20;
            Assert.Throws<NeuralFileException>(() => FieldDecoder.Decode(damaged));
        }
        var cut = Assert.Throws<NeuralFileException>(() => FieldDecoder.Decode(file[..(file.Length - 3)]));
        Assert.Contains("truncated", cut.Message);
    }

    [Fact]
    public void Damage_behind_fixed_checksums_never_escapes_as_another_exception()
    {
        var (info, samples) = Image(6, 5, 3, 8);
        var tiled = Enumerable.Range(0, samples.Length).Select(i => (ushort)(i % 7 * 30)).ToArray();
        foreach (var file in new[]
        {
            PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Network, ColourTransform.YCoCgR, RandomNets(info, 1, 4, 2)),
            PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Plain, ColourTransform.YCoCgR, mixing: true),
            PredictiveFile.Write(info, SignalAttributes.None, samples, PredictiveMode.Matches, ColourTransform.None),
            PredictiveFile.Write(info, SignalAttributes.None, tiled, PredictiveMode.Matches, ColourTransform.None),
        })
            FixedChecksumDamageFailsCleanly(file);
    }

    private static void FixedChecksumDamageFailsCleanly(byte[] file)
    {
        int streams = PredictiveFile.StreamsAt(PredictiveFile.ReadHeader(file));
        for (int i = streams; i < file.Length - 4; i++)
        {
            var damaged = file.ToArray();
            damaged[i] ^= 0x11;
            int end = damaged.Length - 4;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(end), System.IO.Hashing.Crc32.HashToUInt32(damaged.AsSpan(streams, end - streams)));
            try
            {
                _ = FieldDecoder.Decode(damaged);           // a flip may still decode (to other samples), but never crash
            }
            catch (NeuralFileException)
            {
            }
        }
    }
}
