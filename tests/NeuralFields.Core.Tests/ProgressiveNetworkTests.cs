using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Core.Networks;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class ProgressiveNetworkTests
{
    public ProgressiveNetworkTests() => Torch.EnsureLoaded();

    private static FieldConfig Config(int levels = 3) => new()
    {
        Encoding = new IdentityEncodingConfig(),
        Network = new ProgressiveConfig { Levels = levels, Octaves = 6, Width = 32, Activation = new ReluActivationConfig() },
        Head = new SigmoidHeadConfig(),
        Training = new TrainingConfig { LearningRate = 5e-3, Schedule = new CosineScheduleConfig { FinalFraction = 0.1 } },
    };

    [Fact]
    public void Octaves_split_into_bands_lowest_first()
    {
        Assert.Equal([3, 3, 2, 2], new ProgressiveConfig { Levels = 4, Octaves = 10, Width = 8, Activation = new ReluActivationConfig() }.OctavesPerLevel());
        Assert.Equal([1, 1], new ProgressiveConfig { Levels = 2, Octaves = 2, Width = 8, Activation = new ReluActivationConfig() }.OctavesPerLevel());
    }

    [Fact]
    public void Level_outputs_add_up_residually_and_coarse_levels_ignore_finer_weights()
    {
        Torch.Seed(4);
        var model = new FieldModel(Config(), new SignalInfo("image", [8, 8], 3, 8));
        Assert.Equal(3, model.Levels);
        using var x = rand(10, 2) * 2 - 1;
        using var finest = model.Forward(x, 3);
        using var plain = model.forward(x);
        Assert.True(finest.eq(plain).all().item<bool>());

        // Zeroing level 3's head leaves level 2's output as the total; changing it never moves level 1.
        using var level1 = model.Forward(x, 1);
        using var level2 = model.Forward(x, 2);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.StartsWith("network.heads.2.")))
                p.zero_();
        using var afterZero = model.Forward(x, 3);
        Assert.True(allclose(afterZero, level2, atol: 1e-6));
        using (no_grad())
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.StartsWith("network.layers.2.")))
                p.add_(1);
        using var level1Again = model.Forward(x, 1);
        Assert.True(level1Again.eq(level1).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(x, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(x, level: 0));
    }

    [Fact]
    public void Every_level_renders_a_valid_image_and_the_finest_is_best()
    {
        var (x, y, info) = TestSignals.ImageTensors(32);
        Torch.Seed(0);
        var model = new FieldModel(Config(), info);
        using var trainer = new Trainer(model, x, y, 0);
        trainer.Run(150);
        var psnr = new double[model.Levels];
        for (int level = 1; level <= model.Levels; level++)
        {
            using var values = model.Predict(x, level: level);
            Assert.Equal([1024L, 3L], values.shape);
            Assert.True(values.isfinite().all().item<bool>());
            Assert.True(values.min().item<float>() >= 0 && values.max().item<float>() <= 1);
            psnr[level - 1] = Psnr.Compute(values.data<float>().ToArray(), y.data<float>().ToArray());
        }
        Assert.True(psnr[2] > psnr[1] && psnr[2] > psnr[0], $"level PSNRs {string.Join(", ", psnr.Select(p => p.ToString("F2")))}");
        Assert.True(psnr[2] > 25, $"finest level reached only {psnr[2]:F2} dB");
    }
}
