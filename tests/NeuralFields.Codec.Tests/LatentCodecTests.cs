using NeuralFields.Codec.Decoder;
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

/// <summary>The latent-grid codec end to end on small images: the file, its rate control and the ARM's two implementations.</summary>
public class LatentCodecTests
{
    private static LatentOptions Options(double lambda, int steps = 80) =>
        new(Presets.Load("latent-fast")) { Lambda = lambda, Steps = steps, Seed = 1 };

    [Fact]
    public void A_32x32_image_round_trips_through_its_file_and_matches_training()
    {
        var (info, samples) = CodecSignals.Image(32, 32, 3, 8);
        var result = LatentCompressor.Compress(info, samples, Options(1e-3));
        // Format 5, or 6 where the codec kept a post filter.
        Assert.Equal(result.Header.Config.PostFilter is null ? NeuralFileFormat.CompactLatentFormatVersion : NeuralFileFormat.FilteredLatentFormatVersion, result.Header.FormatVersion);
        var once = FieldDecoder.Decode(result.File).Samples;
        Assert.Equal(once, FieldDecoder.Decode(result.File).Samples);
        Assert.Equal(result.Decoded.Samples, once);
        // Stated tolerance: quantising the networks' weights costs under 0.5 dB against the trained model; a post filter,
        // kept only where it lowers the distortion, can only add to the decoded PSNR.
        Assert.True(result.Psnr > result.PsnrFloat - 0.5, $"decoded {result.Psnr:F2} dB, trained {result.PsnrFloat:F2} dB");
        if (result.Header.Config.PostFilter is null)
            Assert.True(result.Psnr < result.PsnrFloat + 0.5, $"decoded {result.Psnr:F2} dB, trained {result.PsnrFloat:F2} dB, no filter");
        Assert.True(result.Psnr > FlatPsnr(samples, info.Channels) + 6, $"decoded {result.Psnr:F2} dB is not far above a flat image's {FlatPsnr(samples, info.Channels):F2} dB");
    }

    [Fact]
    public void An_odd_sized_16_bit_gray_image_round_trips()
    {
        var (info, samples) = CodecSignals.Image(17, 13, 1, 16);
        var result = LatentCompressor.Compress(info, samples, Options(1e-3, steps: 40));
        Assert.Equal(info, result.Decoded.Info);
        Assert.Equal(result.Decoded.Samples, FieldDecoder.Decode(result.File).Samples);
        Assert.True(result.Psnr > FlatPsnr16(samples), $"decoded {result.Psnr:F2} dB");
    }

    private static double FlatPsnr16(ushort[] samples)
    {
        double mean = samples.Average(v => (double)v);
        return 10 * Math.Log10(1 / samples.Average(v => Math.Pow((v - mean) / 65535.0, 2)));
    }

    [Fact]
    public void More_lambda_gives_fewer_bits_and_less_psnr()
    {
        var (info, samples) = CodecSignals.Image(48, 40, 3, 8);
        var fine = LatentCompressor.Compress(info, samples, Options(1e-4));
        var coarse = LatentCompressor.Compress(info, samples, Options(3e-2));
        Assert.True(coarse.Header.LatentBytes < fine.Header.LatentBytes, $"λ 3e-2: {coarse.Header.LatentBytes} B of latents, λ 1e-4: {fine.Header.LatentBytes} B");
        Assert.True(coarse.File.Length < fine.File.Length);
        Assert.True(coarse.Psnr < fine.Psnr);
    }

    [Fact]
    public void A_bpp_target_lands_within_ten_percent()
    {
        var (info, samples) = CodecSignals.Image(64, 64, 3, 8);
        const double target = 2.0;
        var result = LatentRateControl.Compress(info, samples, Options(1e-3, steps: 60), target);
        Assert.True(Math.Abs(result.BitsPerGridPoint / target - 1) <= 0.1, $"{result.BitsPerGridPoint:F3} bpp for a target of {target}");
    }

    [Fact]
    public void The_decoders_fixed_point_arm_gives_what_the_torch_arm_gives()
    {
        var (info, _) = CodecSignals.Image(24, 20, 3, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 3);
        var encoding = (LatentGridEncoding)model.Encoding;
        using (no_grad())
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.StartsWith("encoding.latents.")))
                parameter.copy_((randn_like(parameter) * 3).round() / 16);
        // The file's weights: ARM on 2^-8 steps, loaded back so both sides compute with the same numbers.
        var tensors = LatentQuantizer.Quantize(model, 8, 8);
        ModelTensors.Load(model, tensors);
        var grid = (LatentGridConfig)model.Config.Encoding;
        var arm = LatentPayload.Arm(grid, tensors.ToDictionary(t => t.Name));
        model.eval();
        var level = encoding.Grids()[0];
        var (mu, logScale) = encoding.Predict(level);
        var torchMu = mu.data<float>().ToArray();
        var torchScale = logScale.data<float>().ToArray();
        var integers = level.data<float>().ToArray().Select(v => (int)v).ToArray();
        int h = grid.LevelShape(0)[0], w = grid.LevelShape(0)[1];
        var context = new int[grid.Arm.Context];
        double worst = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                for (int k = 0; k < context.Length; k++)
                {
                    var (dy, dx) = ArmConfig.Offsets[k];
                    int yy = y + dy, xx = x + dx;
                    context[k] = yy >= 0 && xx >= 0 && xx < w ? integers[yy * w + xx] : 0;
                }
                var (m, s) = arm.Predict(context);
                int i = y * w + x;
                double clamped = Math.Clamp(s / 256.0, ArmConfig.LogScaleMin, ArmConfig.LogScaleMax);
                worst = Math.Max(worst, Math.Max(Math.Abs(m / 256.0 - torchMu[i]), Math.Abs(clamped - torchScale[i])));
            }
        Assert.True(worst < 0.1, $"the fixed-point ARM strays {worst:F4} from TorchSharp's");
    }

    [Fact]
    public void A_band_s_bits_are_the_full_grid_s_bits_of_its_rows_scaled_to_the_level()
    {
        var info = new SignalInfo("image", [40, 24], 3, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 5);
        var encoding = (LatentGridEncoding)model.Encoding;
        model.eval();
        var grid = (randn(40, 24, generator: new Generator(9)) * 3).round();
        var (mu, logScale) = encoding.Predict(grid);
        // The reference's Laplace terms in double (in float32 the tails lose precision).
        var perLatent = LatentGridEncoding.LaplaceBits(grid.reshape(-1).to_type(ScalarType.Float64), mu.to_type(ScalarType.Float64), logScale.to_type(ScalarType.Float64))
            .reshape(40, 24).sum(1).data<double>().ToArray();
        const double fraction = 0.3;
        int rows = (int)Math.Ceiling(40 * fraction);
        var firsts = new HashSet<int>();
        for (int seed = 0; seed < 6; seed++)
        {
            int first = new Random(seed).Next(40 - rows + 1);
            firsts.Add(first);
            double expected = perLatent.Skip(first).Take(rows).Sum() * 40 / rows;
            double actual = encoding.BandBits([grid], fraction, new Random(seed)).item<float>();
            Assert.True(Math.Abs(actual - expected) <= 1e-4 * expected, $"band from row {first}: {actual:F3} bits, full grid's rows {expected:F3}");
        }
        Assert.Contains(firsts, f => f >= ArmConfig.Reach);          // a band whose context comes from rows above it
        Assert.Equal(perLatent.Sum(), encoding.BandBits([grid], 1, new Random(0)).item<float>(), 0.01);
    }

    [Theory]
    [InlineData(Core.Training.Fused.FusedLanes.Vector512)]
    [InlineData(Core.Training.Fused.FusedLanes.Vector256)]
    [InlineData(Core.Training.Fused.FusedLanes.Scalar)]
    public void The_CSharp_rate_and_its_gradients_equal_autograd_through_the_reference_ARM(Core.Training.Fused.FusedLanes lanes)
    {
        var info = new SignalInfo("image", [19, 27], 3, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 6);
        var encoding = (LatentGridEncoding)model.Encoding;
        var arm = model.named_parameters().Where(p => p.name.StartsWith("encoding.arm.", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        var layers = Enumerable.Range(0, arm.Count / 2).Select(l => ((Tensor)arm[2 * l], (Tensor)arm[2 * l + 1])).ToList();
        var draws = new Generator(11);
        using (no_grad())
            foreach (var p in arm) p.copy_(randn(p.shape, generator: draws) * 0.5);
        // Noisy (non-integer) values, as training sees them; owned parts inside a window and the whole grid.
        foreach (var (top, left, rows, columns) in new[] { (0, 0, 19, 27), (2, 2, 9, 20), (5, 0, 14, 3) })
        {
            var grid = (randn(19, 27, generator: new Generator(12)) * 3).requires_grad_(true);
            var (mu, logScale) = encoding.Predict(grid);
            // The Laplace terms in double: in float32 the difference of two CDFs near 1 loses the tails' precision.
            Tensor Owned(Tensor v) => v.reshape(19, 27).narrow(0, top, rows).narrow(1, left, columns).reshape(-1).to_type(ScalarType.Float64);
            var reference = LatentGridEncoding.LaplaceBits(Owned(grid), Owned(mu), Owned(logScale)).sum();
            var expected = Gradients(reference, grid, arm);
            var bits = ArmRate.Bits(grid, encoding.GridConfig.Arm, layers, top, left, rows, columns, lanes);
            Assert.Equal(reference.item<double>(), bits.item<float>(), 1e-4 * reference.item<double>());
            var actual = Gradients(bits, grid, arm);
            for (int i = 0; i < expected.Count; i++)
            {
                float largest = expected[i].Max(Math.Abs);
                Assert.True(expected[i].Zip(actual[i]).All(v => Math.Abs(v.First - v.Second) <= 1e-3f * largest + 1e-5f),
                    $"owned {rows}x{columns} at ({top},{left}): gradient {i} differs by {expected[i].Zip(actual[i]).Max(v => Math.Abs(v.First - v.Second)):G3} (largest {largest:G3})");
            }
        }
    }

    /// <summary>The gradients of <paramref name="value"/> in the grid, then each ARM parameter, as arrays.</summary>
    internal static List<float[]> Gradients(Tensor value, Tensor grid, IEnumerable<TorchSharp.Modules.Parameter> arm)
    {
        var inputs = new List<Tensor> { grid };
        inputs.AddRange(arm);
        var gradients = autograd.grad([value], inputs);
        return gradients.Select(g => g.data<float>().ToArray()).ToList();
    }

    [Fact]
    public void The_fused_network_step_gives_the_TorchSharp_step_s_loss_and_gradients_on_a_latent_model()
    {
        var (info, samples) = CodecSignals.Image(24, 20, 3, 8);
        using var scope = NewDisposeScope();
        using var reference = LatentModel(info, 3);
        using var fused = LatentModel(info, 3);                  // the same seed: the same weights
        var latents = new Generator(5);
        using (no_grad())
            foreach (var (a, b) in reference.named_parameters().Zip(fused.named_parameters()))
                if (a.name.StartsWith("encoding.latents.", StringComparison.Ordinal))
                {
                    a.parameter.copy_(randn(a.parameter.shape, generator: latents) * 0.3);
                    b.parameter.copy_(a.parameter);
                }
        var coordinates = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        var targets = tensor(samples.Select(v => v / 255f).ToArray()).reshape(-1, 3);
        var steps = new List<(FieldModel Model, Core.Training.Adam Adam, Core.Training.Steps.ITrainingStep Step)>();
        foreach (var model in new[] { reference, fused })
        {
            ((LatentGridEncoding)model.Encoding).Rounding = LatentRounding.StraightThrough;   // no noise: both see the same grids
            model.train();
            var adam = new Core.Training.Adam(model.named_parameters().Select(p => (p.parameter, 1.0)), 0.9, 0.999, 1e-8);
            var rate = new LatentRate(1e-2, info.SampleCount);
            steps.Add((model, adam, model == reference ? new Core.Training.Steps.TorchTrainingStep(model, adam, [rate]) : new Core.Training.Steps.FusedSynthesisStep(model, adam, [rate])));
        }
        double torchLoss = steps[0].Step.Compute(coordinates, targets, backward: true, keepOutputs: false).Loss;
        double fusedLoss = steps[1].Step.Compute(coordinates, targets, backward: true, keepOutputs: false).Loss;
        Assert.Equal(torchLoss, fusedLoss, 1e-5 * torchLoss);
        var names = reference.named_parameters().Select(p => p.name).ToList();
        var expected = reference.named_parameters().Select(p => p.parameter.grad!.data<float>().ToArray()).ToList();
        var actual = ((Core.Training.Steps.FusedSynthesisStep)steps[1].Step).Gradients(out _).Select(g => g.data<float>().ToArray()).ToList();
        for (int i = 0; i < names.Count; i++)
        {
            float largest = Math.Max(1e-12f, expected[i].Max(Math.Abs));
            float worst = expected[i].Zip(actual[i]).Max(v => Math.Abs(v.First - v.Second));
            Assert.True(worst <= 1e-4f * largest, $"{names[i]}: gradients differ by {worst:G3} (largest {largest:G3})");
        }
        foreach (var (_, adam, step) in steps)
        {
            step.Dispose();
            adam.Dispose();
        }
    }

    [Fact]
    public void Held_grids_predict_what_unheld_ones_do_and_a_released_hold_sees_new_parameters()
    {
        var info = new SignalInfo("image", [20, 24], 3, 8);
        using var scope = NewDisposeScope();
        using var model = LatentModel(info, 2);
        var latents = model.named_parameters().Where(p => p.name.StartsWith("encoding.latents.")).Select(p => p.parameter).ToList();
        using var _ = no_grad();
        foreach (var p in latents) p.copy_(randn_like(p) * 2);
        var all = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        var some = all.narrow(0, 5, 101);                         // not the whole grid: the gather path
        foreach (var x in new[] { all, some })
        {
            var plain = model.forward(x).data<float>().ToArray();
            using (model.HoldForPrediction())
            using (model.HoldForPrediction())                      // nested holds share the outer one's grids
                Assert.Equal(plain, model.forward(x).data<float>().ToArray());
        }
        float[] before;
        using (model.HoldForPrediction()) before = model.forward(some).data<float>().ToArray();
        foreach (var p in latents) p.add_(3);
        Assert.NotEqual(before, model.forward(some).data<float>().ToArray());
    }

    [Fact]
    public void A_batched_latent_fit_round_trips_and_learns_the_image()
    {
        var (info, samples) = CodecSignals.Image(48, 40, 3, 8);
        var batched = LatentCompressor.Compress(info, samples, Options(1e-3, steps: 120) with { Batching = new LatentBatching(512, 0.25) });
        Assert.Equal(batched.Decoded.Samples, FieldDecoder.Decode(batched.File).Samples);
        Assert.True(batched.Psnr > FlatPsnr(samples, info.Channels) + 6, $"decoded {batched.Psnr:F2} dB against a flat image's {FlatPsnr(samples, info.Channels):F2} dB");
    }

    [Fact]
    public void The_memory_plan_batches_an_image_whose_full_step_is_over_the_budget_and_refuses_one_that_cannot_fit()
    {
        var info = new SignalInfo("image", [512, 512], 3, 8);
        var config = Presets.Load("latent");
        var full = LatentMemory.Of(config, info);
        Assert.True(LatentMemory.Plan(config, info, full.Total).IsFull);
        var half = new LatentBatching(1 << 17, 0.5);
        long budget = LatentMemory.Of(config, info, half).Total;
        Assert.True(budget < full.Total, $"batched {budget:N0} B, full {full.Total:N0} B");
        Assert.Equal(half, LatentMemory.Plan(config, info, budget));
        var smallest = LatentMemory.Of(config, info, new LatentBatching(LatentMemory.SmallestBatch, 0.25)).Total;
        Assert.Equal(new LatentBatching(LatentMemory.SmallestBatch, 0.25), LatentMemory.Plan(config, info, smallest));
        var refused = Assert.Throws<NeuralFieldsException>(() => LatentMemory.Plan(config, info, smallest - 1));
        Assert.Contains("over the memory budget of", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The default latent preset sized to <paramref name="info"/>, its weights drawn from <paramref name="seed"/>.</summary>
    private static FieldModel LatentModel(SignalInfo info, int seed)
    {
        var preset = Presets.Load("latent");
        Torch.Seed(seed);
        return new FieldModel(preset with { Encoding = ((LatentGridConfig)preset.Encoding).For(info.Dimensions) }, info);
    }

    /// <summary>PSNR of the image that is every channel's mean everywhere.</summary>
    private static double FlatPsnr(ushort[] samples, int channels)
    {
        var means = Enumerable.Range(0, channels).Select(c => samples.Where((_, i) => i % channels == c).Average(v => (double)v)).ToArray();
        double mse = samples.Select((v, i) => Math.Pow((v - means[i % channels]) / 255.0, 2)).Average();
        return 10 * Math.Log10(1 / mse);
    }
}
