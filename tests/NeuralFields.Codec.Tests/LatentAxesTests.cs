using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Latent;
using NeuralFields.Codec.Format;
using NeuralFields.Codec.Latent;
using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Tests;

/// <summary>Latent grids of one and three axes (clips and volumes): the same codec, entropy model and decoder as images.</summary>
public class LatentAxesTests
{
    private static readonly Dictionary<string, string> Clip = new() { ["sample_rate"] = "8000", ["wav_bits"] = "16", ["wav_format"] = "pcm" };

    public static TheoryData<int> Axes => new() { 1, 3 };

    /// <summary>A smooth signal with a step: a 3000-frame 16-bit clip, or a 10x12x14 8-bit volume.</summary>
    private static (SignalInfo Info, ushort[] Samples, Dictionary<string, string> Attributes) Signal(int axes)
    {
        Torch.EnsureLoaded();
        var info = axes == 1 ? new SignalInfo("audio", [3000], 1, 16) : new SignalInfo("volume", [10, 12, 14], 1, 8);
        var attributes = axes == 1 ? Clip : new Dictionary<string, string> { ["volume_type"] = "uint8" };
        var samples = new ushort[info.SampleCount];
        var grid = SampleGrid.Coordinates(info.Dimensions);                   // x first per point
        for (int i = 0; i < samples.Length; i++)
        {
            double sum = 0;
            for (int a = 0; a < axes; a++) sum += (a + 2) * grid[i * axes + a];
            double value = 0.5 + 0.3 * Math.Sin(2 * sum) + (grid[i * axes] > 0.2 ? 0.12 : -0.12);
            samples[i] = (ushort)Math.Round(Math.Clamp(value, 0, 1) * info.MaxValue);
        }
        return (info, samples, attributes);
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void A_clip_or_volume_round_trips_through_its_latent_file_and_matches_training(int axes)
    {
        var (info, samples, attributes) = Signal(axes);
        var options = new LatentOptions(Presets.Load("latent-fast")) { Lambda = 1e-3, Steps = 80, Seed = 1 };
        var result = LatentCompressor.Compress(info, samples, options, attributes);
        Assert.Equal(info, result.Decoded.Info);
        var once = FieldDecoder.Decode(result.File).Samples;
        Assert.Equal(once, FieldDecoder.Decode(result.File).Samples);
        Assert.Equal(result.Decoded.Samples, once);
        // Stated tolerance, as for images: quantising the networks' weights costs under 0.5 dB against the trained model.
        Assert.True(Math.Abs(result.Psnr - result.PsnrFloat) < 0.5, $"decoded {result.Psnr:F2} dB, trained {result.PsnrFloat:F2} dB");
        double mean = samples.Average(v => (double)v);
        double flat = 10 * Math.Log10(1 / samples.Average(v => Math.Pow((v - mean) / info.MaxValue, 2)));
        Assert.True(result.Psnr > flat + 6, $"decoded {result.Psnr:F2} dB is not far above a flat signal's {flat:F2} dB");
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void The_decoders_fixed_point_arm_sees_the_contexts_and_gives_the_probabilities_the_torch_arm_gives(int axes)
    {
        var info = axes == 1 ? new SignalInfo("audio", [90], 1, 16) : new SignalInfo("volume", [6, 7, 8], 1, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 3);
        var tensors = LatentQuantizer.Quantize(model, 8, 8);                // the file's ARM, loaded back so both sides agree on weights
        ModelTensors.Load(model, tensors);
        var grid = (LatentGridConfig)model.Config.Encoding;
        var arm = LatentPayload.Arm(grid, tensors.ToDictionary(t => t.Name));
        model.eval();
        var shape = grid.LevelShape(0);
        var level = (randn(shape.Select(d => (long)d).ToArray(), generator: new Generator(5)) * 3).round();
        var (mu, logScale) = ((LatentGridEncoding)model.Encoding).Predict(level);
        var torchMu = mu.data<float>().ToArray();
        var torchScale = logScale.data<float>().ToArray();
        var integers = level.data<float>().ToArray().Select(v => (int)v).ToArray();
        var offsets = ArmConfig.OffsetsFor(axes);
        var context = new int[grid.Arm.Context];
        double worst = 0;
        for (int i = 0; i < integers.Length; i++)
        {
            var position = Position(i, shape);
            for (int k = 0; k < context.Length; k++)
            {
                var neighbour = position.Select((p, a) => p + offsets[k][a]).ToArray();
                bool inside = neighbour.Select((p, a) => p >= 0 && p < shape[a]).All(b => b);
                Assert.True(!inside || Index(neighbour, shape) < i, "a context offset reaches a latent not yet decoded");
                context[k] = inside ? integers[Index(neighbour, shape)] : 0;
            }
            var (m, s) = arm.Predict(context);
            double clamped = Math.Clamp(s / 256.0, ArmConfig.LogScaleMin, ArmConfig.LogScaleMax);
            worst = Math.Max(worst, Math.Max(Math.Abs(m / 256.0 - torchMu[i]), Math.Abs(clamped - torchScale[i])));
        }
        Assert.True(worst < 0.1, $"the fixed-point ARM strays {worst:F4} from TorchSharp's");
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void A_band_s_bits_are_the_full_grid_s_bits_of_its_slices_scaled_to_the_level(int axes)
    {
        var info = axes == 1 ? new SignalInfo("audio", [60], 1, 16) : new SignalInfo("volume", [20, 5, 6], 1, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 4);
        var encoding = (LatentGridEncoding)model.Encoding;
        model.eval();
        var shape = info.Dimensions.Select(d => (long)d).ToArray();
        var grid = (randn(shape, generator: new Generator(9)) * 3).round();
        var (mu, logScale) = encoding.Predict(grid);
        var perSlice = LatentGridEncoding.LaplaceBits(grid.reshape(-1).to_type(ScalarType.Float64), mu.to_type(ScalarType.Float64), logScale.to_type(ScalarType.Float64))
            .reshape(shape[0], -1).sum(1).data<double>().ToArray();
        int n = (int)shape[0];
        const double fraction = 0.3;
        int rows = (int)Math.Ceiling(n * fraction);
        bool inside = false;
        for (int seed = 0; seed < 6; seed++)
        {
            int first = new Random(seed).Next(n - rows + 1);
            inside |= first >= 2;                                            // a band whose context comes from before it
            double expected = perSlice.Skip(first).Take(rows).Sum() * n / rows;
            double actual = encoding.BandBits([grid], fraction, new Random(seed)).item<float>();
            Assert.True(Math.Abs(actual - expected) <= 1e-4 * expected, $"band from slice {first}: {actual:F3} bits, the full grid's {expected:F3}");
        }
        Assert.True(inside);
        Assert.Equal(perSlice.Sum(), encoding.Bits([grid]).item<float>(), 0.01);
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void The_CSharp_rate_of_a_clip_or_volume_and_its_gradients_equal_autograd_through_the_reference_ARM(int axes)
    {
        var info = axes == 1 ? new SignalInfo("audio", [203], 1, 16) : new SignalInfo("volume", [6, 5, 11], 1, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 6);
        var encoding = (LatentGridEncoding)model.Encoding;
        var arm = model.named_parameters().Where(p => p.name.StartsWith("encoding.arm.", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        var draws = new Generator(11);
        using (no_grad())
            foreach (var p in arm) p.copy_(randn(p.shape, generator: draws) * 0.5);
        var shape = info.Dimensions.Select(d => (long)d).ToArray();
        var grid = (randn(shape, generator: new Generator(12)) * 3).requires_grad_(true);  // noisy values, as training sees them
        var (mu, logScale) = encoding.Predict(grid);                                     // the TorchSharp ARM over gathered contexts
        var reference = LatentGridEncoding.LaplaceBits(grid.reshape(-1).to_type(ScalarType.Float64), mu.to_type(ScalarType.Float64), logScale.to_type(ScalarType.Float64)).sum();
        var expected = LatentCodecTests.Gradients(reference, grid, arm);
        var bits = encoding.Bits([grid]);            // the C# pass: a clip's one row in chunks of blocks, a volume's rows slice after slice
        Assert.Equal(reference.item<double>(), bits.item<float>(), 1e-4 * reference.item<double>());
        var actual = LatentCodecTests.Gradients(bits, grid, arm);
        for (int i = 0; i < expected.Count; i++)
        {
            float largest = expected[i].Max(Math.Abs);
            Assert.True(expected[i].Zip(actual[i]).All(v => Math.Abs(v.First - v.Second) <= 1e-3f * largest + 1e-5f),
                $"gradient {i} differs by {expected[i].Zip(actual[i]).Max(v => Math.Abs(v.First - v.Second)):G3} (largest {largest:G3})");
        }
    }

    [Theory]
    [MemberData(nameof(Axes))]
    public void Training_interpolation_on_the_sample_grid_and_at_scattered_points_is_the_decoder_s(int axes)
    {
        var info = axes == 1 ? new SignalInfo("audio", [50], 1, 16) : new SignalInfo("volume", [5, 6, 7], 1, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 6);
        using (no_grad())
            foreach (var (_, parameter) in model.named_parameters().Where(p => p.name.StartsWith("encoding.latents.")))
                parameter.copy_((randn_like(parameter) * 4).round() / 16);
        var tensors = LatentQuantizer.Quantize(model, 10, 8);
        ModelTensors.Load(model, tensors);
        model.eval();
        var decoder = new FieldEvaluator(model.Config, info, tensors.ToDictionary(t => t.Name, t => t.Dequantize())).Values();
        var coordinates = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, axes);
        var whole = ModelTensors.Values(model.Predict(coordinates));         // the fused upsampling path
        var scattered = ModelTensors.Values(model.Predict(coordinates.narrow(0, 1, coordinates.shape[0] - 1)));   // the corner-gather path
        for (int i = 0; i < decoder.Length; i++)
        {
            Assert.True(Math.Abs(whole[i] - decoder[i]) < 2e-4, $"sample {i}: upsampled {whole[i]}, decoder {decoder[i]}");
            if (i >= info.Channels)
                Assert.True(Math.Abs(scattered[i - info.Channels] - decoder[i]) < 2e-4, $"sample {i}: gathered {scattered[i - info.Channels]}, decoder {decoder[i]}");
        }
    }

    private static int[] Position(int index, int[] shape)
    {
        var position = new int[shape.Length];
        for (int a = shape.Length - 1; a >= 0; a--)
        {
            position[a] = index % shape[a];
            index /= shape[a];
        }
        return position;
    }

    private static int Index(int[] position, int[] shape) => position.Select((p, a) => (p, a)).Aggregate(0, (i, t) => i * shape[t.a] + t.p);

    private static FieldModel LatentModel(SignalInfo info, int seed)
    {
        var preset = Presets.Load("latent");
        Torch.Seed(seed);
        return new FieldModel(preset with { Encoding = ((LatentGridConfig)preset.Encoding).For(info.Dimensions) }, info);
    }
}
