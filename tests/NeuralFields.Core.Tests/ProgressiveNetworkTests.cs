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

    private static FieldConfig Config(int levelSteps = 0) => new()
    {
        Encoding = new IdentityEncodingConfig(),
        Network = new ProgressiveConfig { Levels = 3, Octaves = 6, Width = 32, LevelSteps = levelSteps, Activation = new ReluActivationConfig() },
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
        using var finest = model.ForwardAtLevel(x, 3);
        using var plain = model.forward(x);
        Assert.True(finest.eq(plain).all().item<bool>());

        // Zeroing level 3's head leaves level 2's output as the total; changing it never moves level 1.
        using var level1 = model.ForwardAtLevel(x, 1);
        using var level2 = model.ForwardAtLevel(x, 2);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.StartsWith("network.heads.2.")))
                p.zero_();
        using var afterZero = model.ForwardAtLevel(x, 3);
        Assert.True(allclose(afterZero, level2, atol: 1e-6));
        using (no_grad())
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.StartsWith("network.layers.2.")))
                p.add_(1);
        using var level1Again = model.ForwardAtLevel(x, 1);
        Assert.True(level1Again.eq(level1).all().item<bool>());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForwardAtLevel(x, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(x, level: 0));
    }

    [Fact]
    public void Coarse_to_fine_schedule_adds_levels_as_training_goes()
    {
        var (x, y, info) = TestSignals.ImageTensors(8);
        Torch.Seed(0);
        var model = new FieldModel(Config(levelSteps: 4), info);
        var network = model.children().OfType<ProgressiveNetwork>().Single();
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3], Enumerable.Range(0, 11).Select(s => network.ActiveLevels(s)).ToArray());
        using (var finest = model.ForwardAtLevel(x, 3))
        using (var coarsest = model.ForwardAtLevel(x, 1))
            Assert.True(allclose(finest, coarsest));   // later levels start from zero heads
        using var trainer = new Trainer(model, x, y, 0);
        trainer.Run(new TrainingRun(6));
        trainer.Evaluate();
        Assert.Equal(6, network.StepsTaken);            // evaluation forwards are not counted
        var heads = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(heads["network.heads.1.weight"].abs().sum().item<float>() > 0);   // level 2 joined at step 4
        Assert.Equal(0, heads["network.heads.2.weight"].abs().sum().item<float>());   // level 3 not yet
    }

    [Fact]
    public void Every_level_renders_a_valid_image_and_finer_levels_are_better()
    {
        var (x, y, info) = TestSignals.ImageTensors(32);
        Torch.Seed(0);
        var model = new FieldModel(Config(levelSteps: 25), info);
        using var trainer = new Trainer(model, x, y, 0);
        trainer.Run(new TrainingRun(150));
        var psnr = new double[model.Levels];
        for (int level = 1; level <= model.Levels; level++)
        {
            using var values = model.Predict(x, level: level);
            Assert.Equal([1024L, 3L], values.shape);
            Assert.True(values.isfinite().all().item<bool>());
            Assert.True(values.min().item<float>() >= 0 && values.max().item<float>() <= 1);
            psnr[level - 1] = Psnr.Compute(values.data<float>().ToArray(), y.data<float>().ToArray());
        }
        Assert.True(psnr[2] > psnr[1] && psnr[1] > psnr[0], $"level PSNRs {string.Join(", ", psnr.Select(p => p.ToString("F2")))}");
        Assert.True(psnr[2] > 25, $"finest level reached only {psnr[2]:F2} dB");
    }
}
