using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder.Tests;

public class EntropyTests
{
    private static (byte[] Stream, int[] Decoded) RoundTrip(int[] values, int contexts, Func<int, int> context)
    {
        var encoder = new RangeEncoder();
        var model = new IntegerModel(contexts);
        for (int i = 0; i < values.Length; i++) model.Encode(encoder, values[i], context(i));
        var stream = encoder.Finish();
        var decoder = new RangeDecoder(stream, 0, stream.Length);
        var back = new IntegerModel(contexts);
        var decoded = new int[values.Length];
        for (int i = 0; i < values.Length; i++) decoded[i] = back.Decode(decoder, context(i));
        Assert.True(decoder.EndedExactly);
        return (stream, decoded);
    }

    [Fact]
    public void Squash_inverts_stretch_and_both_are_monotone()
    {
        for (int x = -Logistic.Limit + 1; x < Logistic.Limit; x++) Assert.True(Logistic.Squash(x) >= Logistic.Squash(x - 1));
        for (uint p = 16; p < 65536; p += 16) Assert.True(Logistic.Stretch(p) >= Logistic.Stretch(p - 16));
        Assert.Equal(32768u, Logistic.Squash(0));
        // Away from the clamps a round trip moves the logit by at most the table's bin of p (1/4096) at that slope.
        for (int x = -1500; x <= 1500; x += 7)
        {
            double p = Logistic.Squash(x) / 65536.0;
            double bin = 256.0 / 4096 / (p * (1 - p));
            Assert.InRange(Logistic.Stretch(Logistic.Squash(x)) - x, -bin - 1, bin + 1);
        }
        Assert.InRange(Logistic.Squash(-5000), (uint)Logistic.MinP, 65536u - Logistic.MinP);
        Assert.InRange(Logistic.Squash(5000), (uint)Logistic.MinP, 65536u - Logistic.MinP);
    }

    [Fact]
    public void The_mixed_model_round_trips_and_learns_to_trust_the_context_set_that_knows()
    {
        // Each value is fixed by set 2's context (8 of them); sets 0, 1 and 3 see one context or noise.
        var random = new PortableRandom(9);
        int[] table = [0, 3, -1, 0, 12, -7, 1, 0];
        var contexts = new int[60000];
        var values = new int[contexts.Length];
        for (int i = 0; i < values.Length; i++)
        {
            contexts[i] = (int)(random.NextUInt64() % 8);
            values[i] = table[contexts[i]];
        }
        var encoder = new RangeEncoder();
        var model = new MixedIntegerModel([1, 4, 8, 3], 2);
        for (int i = 0; i < values.Length; i++)
        {
            model.Select(0, i % 4, contexts[i], i % 3, i % 2);
            model.Encode(encoder, values[i]);
        }
        var stream = encoder.Finish();
        var decoder = new RangeDecoder(stream, 0, stream.Length);
        var back = new MixedIntegerModel([1, 4, 8, 3], 2);
        for (int i = 0; i < values.Length; i++)
        {
            back.Select(0, i % 4, contexts[i], i % 3, i % 2);
            Assert.Equal(values[i], back.Decode(decoder));
        }
        Assert.True(decoder.EndedExactly);
        var (single, _) = RoundTrip(values, 1, _ => 0);
        Assert.True(stream.Length < 0.1 * single.Length, $"mixed {stream.Length} B against {single.Length} B with one context");
    }

    [Fact]
    public void Random_integers_of_every_size_round_trip_exactly()
    {
        var random = new PortableRandom(1);
        var values = new int[50000];
        for (int i = 0; i < values.Length; i++)
        {
            int bits = (int)(random.NextUInt64() % 25);                 // 0..24-bit magnitudes, both signs
            long magnitude = (long)(random.NextUInt64() % (1UL << bits));
            values[i] = (int)Math.Min(magnitude, IntegerModel.MaxMagnitude) * (random.NextDouble() < 0.5 ? -1 : 1);
        }
        values[0] = IntegerModel.MaxMagnitude;
        values[1] = -IntegerModel.MaxMagnitude;
        var (_, decoded) = RoundTrip(values, 3, i => i % 3);
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void Skewed_integers_round_trip_and_cost_far_less_than_eight_bits_each()
    {
        // Laplacian-like: mostly 0 and ±1, as quantised weights and good residuals are.
        var random = new PortableRandom(2);
        var values = new int[100000];
        for (int i = 0; i < values.Length; i++)
        {
            double u = random.NextDouble();
            int magnitude = (int)(-Math.Log(1 - u) * 0.8);
            values[i] = random.NextDouble() < 0.5 ? -magnitude : magnitude;
        }
        var (stream, decoded) = RoundTrip(values, 1, _ => 0);
        Assert.Equal(values, decoded);
        double bitsPerSymbol = stream.Length * 8.0 / values.Length;
        Assert.True(bitsPerSymbol < 2.5, $"{bitsPerSymbol:F2} bits per symbol");
    }

    [Fact]
    public void Long_runs_of_one_symbol_saturate_the_models_without_breaking_the_coder()
    {
        var values = Enumerable.Repeat(0, 200000).Concat(Enumerable.Repeat(5, 1000)).Concat(Enumerable.Repeat(0, 1000)).ToArray();
        var (stream, decoded) = RoundTrip(values, 1, _ => 0);
        Assert.Equal(values, decoded);
        Assert.True(stream.Length < 2000, $"{stream.Length} bytes");
    }

    [Fact]
    public void Garbage_streams_decode_to_bounded_nonsense_or_a_clear_error()
    {
        var random = new PortableRandom(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var bytes = new byte[(int)(random.NextUInt64() % 64)];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)random.NextUInt64();
            var decoder = new RangeDecoder(bytes, 0, bytes.Length);
            var model = new IntegerModel(1);
            try
            {
                for (int i = 0; i < 1000; i++) model.Decode(decoder, 0);
            }
            catch (NeuralFileException)
            {
            }
        }
    }

    [Fact]
    public void Residuals_round_trip_with_every_prediction()
    {
        var random = new PortableRandom(4);
        int width = 13, height = 7, channels = 3;
        var residual = new int[width * height * channels];
        for (int i = 0; i < residual.Length; i++) residual[i] = (int)(random.NextUInt64() % 511) - 255;
        foreach (var prediction in Enum.GetValues<ResidualPrediction>())
        {
            var stream = ResidualCoding.Encode(residual, width, channels, prediction);
            var back = ResidualCoding.Decode(stream, 0, stream.Length, residual.Length, width, channels, prediction, 255);
            Assert.Equal(residual, back);
        }
    }
}
