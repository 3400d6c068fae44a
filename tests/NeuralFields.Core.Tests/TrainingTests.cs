using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Tests;

public class TrainingTests
{
    private static double Fit(string preset, int steps, int size = 32, long seed = 0)
    {
        var (x, y, info) = TestSignals.ImageTensors(size);
        Torch.Seed(seed);
        var model = new FieldModel(Presets.Load(preset), info);
        using var trainer = new Trainer(model, x, y, seed);
        trainer.Run(new TrainingRun(steps));
        return trainer.Evaluate();
    }

    [Fact]
    public void Siren_fits_a_32x32_image_beyond_30_dB_in_a_few_hundred_steps()
    {
        double psnr = Fit("siren", 300);
        Assert.True(psnr > 30, $"SIREN reached only {psnr:F2} dB");
    }

    [Fact]
    public void Positional_encoding_beats_raw_coordinates_on_the_same_budget()
    {
        double plain = Fit("relu", 150);
        double encoded = Fit("relu-pe", 150);
        Assert.True(encoded > plain + 3, $"relu-pe {encoded:F2} dB vs relu {plain:F2} dB");
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_and_another_seed_does_not()
    {
        Assert.Equal(Fit("relu-rff", 5, 16, seed: 4), Fit("relu-rff", 5, 16, seed: 4));
        Assert.NotEqual(Fit("relu-rff", 5, 16, seed: 4), Fit("relu-rff", 5, 16, seed: 5));
    }

    [Fact]
    public void Resuming_from_a_checkpoint_continues_the_same_loss_curve()
    {
        var (x, y, info) = TestSignals.ImageTensors(16);
        var config = Presets.Load("relu-pe") with { Training = new TrainingConfig { LearningRate = 1e-3, BatchSize = 100, EvalEvery = 1, Schedule = new CosineScheduleConfig() } };
        var losses = new Recorder();
        Torch.Seed(9);
        using (var straight = new Trainer(new FieldModel(config, info), x, y, 9))
            straight.Run(new TrainingRun(20), losses);

        var path = Path.Combine(Path.GetTempPath(), $"nf-resume-{Guid.NewGuid():N}.ckpt");
        var resumed = new Recorder();
        try
        {
            Torch.Seed(9);
            using (var first = new Trainer(new FieldModel(config, info), x, y, 9))
            {
                first.Run(new TrainingRun(20) { PauseAt = 10 }, resumed);
                Checkpoint.Save(path, first, 9);
            }
            var loaded = Checkpoint.Load(path);
            using var second = new Trainer(loaded.Model, x, y, loaded.Seed);
            second.Optimizer.Restore(loaded.AdamStep, loaded.AdamMoments);
            second.RestoreProgress(loaded.Curve, loaded.Seconds);
            Assert.Equal(10, second.CompletedSteps);
            second.Run(new TrainingRun(20), resumed);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(20, losses.Losses.Count);
        Assert.Equal(losses.Losses, resumed.Losses);
    }

    private sealed class Recorder : ITrainingObserver
    {
        public List<double> Losses { get; } = [];
        public void OnStep(TrainingProgress progress) => Losses.Add(progress.Loss);
    }

    [Fact]
    public void Target_psnr_stops_training_early()
    {
        var (x, y, info) = TestSignals.ImageTensors(16);
        Torch.Seed(0);
        using var trainer = new Trainer(new FieldModel(Presets.Load("siren"), info), x, y, 0);
        var outcome = trainer.Run(new TrainingRun(2000) { TargetPsnr = 20 });
        Assert.True(outcome.ReachedTarget);
        Assert.True(outcome.Steps < 2000);
        Assert.True(outcome.Psnr >= 20);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(50, 0.505)]      // halfway: final + (1 - final)/2 with final 0.01
    [InlineData(100, 0.01)]
    public void Cosine_schedule_matches_its_formula(int step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.Multiplier(new CosineScheduleConfig { FinalFraction = 0.01 }, step, 100), 3);

    [Fact]
    public void Step_schedule_and_warmup()
    {
        Assert.Equal(0.25, LearningRateSchedule.Multiplier(new StepScheduleConfig { Every = 10, Gamma = 0.5 }, 25, 100));
        Assert.Equal(0.5, LearningRateSchedule.Multiplier(new CosineScheduleConfig { WarmupSteps = 4 }, 1, 100));
    }

    [Fact]
    public void Psnr_and_ssim_match_hand_computed_cases()
    {
        Assert.Equal(20, Psnr.Compute([0.1f, 0.1f], [0.2f, 0.0f]), 4);   // MSE 0.01
        var a = Enumerable.Repeat(0.3f, 16 * 16).ToArray();
        var b = Enumerable.Repeat(0.5f, 16 * 16).ToArray();
        // Flat images: variances vanish, SSIM = (2ab + C1)/(a² + b² + C1).
        double c1 = 1e-4;
        Assert.Equal((2 * 0.3 * 0.5 + c1) / (0.09 + 0.25 + c1), Ssim.Compute(a, b, 16, 16, 1), 5);
        var image = TestSignals.Image(16);
        Assert.Equal(1.0, Ssim.Compute(image, image, 16, 16, 3), 9);
    }
}
