using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Tests;

/// <summary>The latent-grid image post filter (docs/format.md §9.6) and its files (format 6).</summary>
public class PostFilterTests
{
    /// <summary>An image of random values in [0, 1) and a random filter of that radius (small taps and biases).</summary>
    private static (PostFilterConfig Config, int Taps, float[] Values, float[] Weight, float[] Bias) RandomFilter(int radius, int channels, int height, int width, ulong seed)
    {
        var random = new PortableRandom(seed);
        var values = Enumerable.Range(0, height * width * channels).Select(_ => (float)random.NextDouble()).ToArray();
        var config = new PostFilterConfig { Radius = radius };
        int taps = config.Taps(channels);
        var weight = Enumerable.Range(0, channels * taps).Select(_ => (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();
        var bias = Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() - 0.5) * 0.1f).ToArray();
        return (config, taps, values, weight, bias);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    public void The_filter_gives_the_float_of_its_per_pixel_inputs_at_every_pixel(int radius, int channels)
    {
        // Apply reads interior neighbours without clamping; the encoder fits on Differences, which clamps everywhere.
        // Both must give the same float32 at every pixel, or the fit would tune a filter the decoder does not run.
        const int height = 12, width = 11;
        var (config, taps, values, weight, bias) = RandomFilter(radius, channels, height, width, (ulong)(radius * 7 + channels));
        var filtered = new PostFilter(config, channels, weight, bias).Apply(values, height, width);
        var offsets = config.Offsets().ToArray();
        var inputs = new float[taps];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                PostFilter.Differences(values, height, width, channels, offsets, y, x, inputs);
                for (int c = 0; c < channels; c++)
                {
                    float acc = bias[c];
                    for (int t = 0; t < taps; t++) acc += weight[c * taps + t] * inputs[t];
                    int at = (y * width + x) * channels + c;
                    Assert.Equal(values[at] + acc, filtered[at]);
                }
            }
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 1)]
    [InlineData(3, 4)]
    public void The_filter_computes_the_documented_formula(int radius, int channels)
    {
        const int height = 7, width = 9;
        var (config, taps, values, weight, bias) = RandomFilter(radius, channels, height, width, (ulong)(radius * 10 + channels));
        Assert.Equal(((2 * radius + 1) * (2 * radius + 1) - 1) / 2 * channels, taps);
        var filtered = new PostFilter(config, channels, weight, bias).Apply(values, height, width);

        // out_c(p) = v_c(p) + b_c + Σ over the window's offsets d on one side and channels c' of w·(v_c'(p+d) + v_c'(p−d) − 2·v_c'(p)), edges clamped.
        double V(int y, int x, int c) => values[(Math.Clamp(y, 0, height - 1) * width + Math.Clamp(x, 0, width - 1)) * channels + c];
        var oneSide = new List<(int, int)>();
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
                if (dy > 0 || (dy == 0 && dx > 0)) oneSide.Add((dy, dx));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    double expected = V(y, x, c) + bias[c];
                    int t = 0;
                    foreach (var (dy, dx) in oneSide)
                        for (int k = 0; k < channels; k++)
                            expected += weight[c * taps + t++] * (V(y + dy, x + dx, k) + V(y - dy, x - dx, k) - 2 * V(y, x, k));
                    Assert.True(Math.Abs(expected - filtered[(y * width + x) * channels + c]) < 1e-5, $"({y}, {x}, {c}): {filtered[(y * width + x) * channels + c]} against {expected}");
                }
    }

    [Fact]
    public void A_filtered_file_is_format_6_and_decodes_the_same_from_the_general_header()
    {
        var (config, signal, tensors) = TestFiles.Latent(23, 17, postFilter: 2);
        var bytes = NeuralFileWriter.Write(signal, config, tensors);
        var file = NeuralFileReader.Read(bytes);
        Assert.Equal(NeuralFileFormat.FilteredLatentFormatVersion, file.Header.FormatVersion);
        Assert.Equal(2, file.Header.Config.PostFilter?.Radius);
        Assert.Equal(tensors.Select(t => t.Values), file.Tensors.Select(t => t.Values));
        var general = NeuralFileWriter.Write(signal, config, tensors, null, null, compactLatent: false);
        Assert.Equal(NeuralFileFormat.LatentFormatVersion, NeuralFileReader.ReadHeader(general).FormatVersion);
        var decoded = FieldDecoder.Decode(bytes).Samples;
        Assert.Equal(decoded, FieldDecoder.Decode(general).Samples);
        Assert.Equal(decoded, FieldDecoder.Decode(bytes).Samples);
    }

    [Fact]
    public void A_zero_filter_changes_nothing_and_a_non_zero_one_changes_the_samples()
    {
        var (plainConfig, signal, plain) = TestFiles.Latent(16, 12);
        var (config, _, tensors) = TestFiles.Latent(16, 12, postFilter: 1);
        var unfiltered = FieldDecoder.Decode(NeuralFileWriter.Write(signal, plainConfig, plain)).Samples;
        var zero = tensors.Select(t => FieldLayout.IsFilter(t.Name) ? new QuantizedTensor(t.Name, t.Shape, t.Bits, t.Granularity, t.Steps, new int[t.Values.Length]) : t).ToList();
        Assert.Equal(unfiltered, FieldDecoder.Decode(NeuralFileWriter.Write(signal, config, zero)).Samples);
        Assert.NotEqual(unfiltered, FieldDecoder.Decode(NeuralFileWriter.Write(signal, config, tensors)).Samples);
    }

    [Fact]
    public void A_damaged_radius_or_a_cut_filtered_file_is_one_clear_error()
    {
        var (config, signal, tensors) = TestFiles.Latent(14, 11, postFilter: 3);
        var bytes = NeuralFileWriter.Write(signal, config, tensors);
        // The radius follows the 8 model fields, after height, width, channels, bit depth and the attribute count.
        int at = NeuralFileFormat.PreambleBytes + 2 + 2 + 1 + 1 + 1 + 8;
        Assert.Equal(3, bytes[at]);
        foreach (byte radius in new byte[] { 0, 4, 255 })
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] = radius;
            FuzzTests.RepairChecksums(damaged);
            var error = Assert.ThrowsAny<NeuralFieldsException>(() => FieldDecoder.Decode(damaged));
            Assert.Contains("radius", error.Message);
        }
        for (int length = 0; length < bytes.Length; length += 7)
            Assert.ThrowsAny<NeuralFieldsException>(() => FieldDecoder.Decode(bytes[..length]));
    }

    [Fact]
    public void Clips_and_volumes_have_no_filter_tensors_whatever_the_config_says()
    {
        var config = TestFiles.Latent(8, 8, postFilter: 2).Config;
        var clip = new SignalInfo("audio", [40], 1, 16);
        Assert.DoesNotContain(FieldLayout.Of(config with { Encoding = ((LatentGridConfig)config.Encoding).For(clip.Dimensions) }, clip).Tensors, t => FieldLayout.IsFilter(t.Name));
        Assert.Contains(FieldLayout.Of(config, TestFiles.Image(8, 8)).Tensors, t => FieldLayout.IsFilter(t.Name));
    }
}
