using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Fused;
using NeuralFields.Core.Training.Steps;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

/// <summary>
/// The fused CPU step against the TorchSharp step it replaces: the same loss, raw outputs and gradients on one
/// batch (every encoding, activation and head it computes, 2D and 3D, widths that need padding, batches that end
/// in a partial tile, each register width), the same fit after many steps, and its own determinism and resumes.
/// </summary>
public class FusedStepTests
{
    public FusedStepTests() => Torch.EnsureLoaded();

    private static FieldConfig Config(EncodingConfig encoding, ActivationConfig activation, HeadConfig head, int hidden, int width, string implementation = "fused") => new()
    {
        Encoding = encoding,
        Network = new MlpConfig { HiddenLayers = hidden, Width = width, Activation = activation },
        Head = head,
        Training = new TrainingConfig { LearningRate = 1e-2, Beta2 = 0.99, Epsilon = 1e-15, Implementation = implementation },
    };

    private static HashGridConfig Grid => new() { NLevels = 4, NFeaturesPerLevel = 2, Log2HashmapSize = 8, BaseResolution = 4, PerLevelScale = 2, InitScale = 0.5 };

    public static TheoryData<string, int, FusedLanes> Cases() => new()
    {
        { "hashgrid-relu-sigmoid", 300, FusedLanes.Vector512 },
        { "hashgrid-relu-sigmoid", 300, FusedLanes.Vector256 },
        { "hashgrid-relu-sigmoid", 300, FusedLanes.Scalar },
        { "hashgrid-relu-sigmoid", 1, FusedLanes.Auto },
        { "hashgrid3d-relu-linear", 77, FusedLanes.Auto },
        { "hashgrid-sine-linear", 130, FusedLanes.Auto },
        { "hashgrid-relu-bitplane", 257, FusedLanes.Auto },
        { "hashgrid-relu-bitplane", 257, FusedLanes.Scalar },
        { "coordinates-sine-linear", 200, FusedLanes.Auto },
        { "coordinates-sine-linear", 200, FusedLanes.Vector256 },
        { "hashgrid-relu4-width24", 150, FusedLanes.Auto },
        { "hashgrid-relu1-uncentred", 33, FusedLanes.Auto },
    };

    private static (FieldConfig Config, SignalInfo Signal) Case(string name) => name switch
    {
        "hashgrid-relu-sigmoid" => (Config(Grid, new ReluActivationConfig(), new SigmoidHeadConfig(), 2, 64), Image(3)),
        "hashgrid3d-relu-linear" => (Config(Grid with { NFeaturesPerLevel = 4 }, new ReluActivationConfig(), new LinearHeadConfig(), 2, 32), new SignalInfo("volume", [5, 6, 7], 1, 8)),
        "hashgrid-sine-linear" => (Config(Grid, new SineActivationConfig { Omega0 = 3, FirstOmega0 = 5 }, new LinearHeadConfig(), 2, 32), Image(3)),
        "hashgrid-relu-bitplane" => (Config(Grid, new ReluActivationConfig(), new BitPlaneHeadConfig(), 2, 32), Image(3)),
        "coordinates-sine-linear" => (Config(new IdentityEncodingConfig(), new SineActivationConfig(), new LinearHeadConfig(), 3, 48), Image(1)),
        "hashgrid-relu4-width24" => (Config(Grid with { NLevels = 3 }, new ReluActivationConfig(), new SigmoidHeadConfig(), 4, 24), Image(3)),
        "hashgrid-relu1-uncentred" => (Config(Grid, new ReluActivationConfig(), new LinearHeadConfig { Centered = false }, 1, 16), Image(2)),
        _ => throw new ArgumentException(name),
    };

    private static SignalInfo Image(int channels) => new("image", [16, 16], channels, 8);

    /// <summary>Coordinates in [-1,1] (a few outside, clamped by the grid) and targets on the signal's integer grid.</summary>
    private static (Tensor X, Tensor Y) Batch(SignalInfo signal, int n, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var x = rand([n, signal.CoordinateDims], generator: generator).mul_(2.2).sub_(1.1);
        var y = rand([n, signal.Channels], generator: generator).mul_(255).round_().div_(255);
        return (x, y);
    }

    private static float[] Floats(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    private static void AssertClose(string what, float[] expected, float[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(v => Math.Abs((double)v));
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= relative * scale + 1e-9, $"{what}: largest difference {worst:G3} against a largest value of {scale:G3}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_outputs_and_gradients_match_autograd(string name, int n, FusedLanes lanes)
    {
        var (config, signal) = Case(name);
        Torch.Seed(3);
        var model = new FieldModel(config, signal);
        var (x, y) = Batch(signal, n, 5);
        using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, 1.0)), 0.9, 0.99, 1e-15);
        using var reference = new TorchTrainingStep(model, adam);
        using var fused = new FusedTrainingStep(model, adam, lanes);
        var expected = reference.Compute(x, y, backward: true, keepOutputs: true);
        var actual = fused.Compute(x, y, backward: true, keepOutputs: true);
        Assert.Equal(expected.Loss, actual.Loss, Math.Abs(expected.Loss) * 1e-5 + 1e-9);
        AssertClose($"{name} outputs", Floats(expected.Outputs!), Floats(actual.Outputs!), 1e-5);
        var parameters = adam.Parameters;
        for (int i = 0; i < parameters.Count; i++)
            AssertClose($"{name} gradient {i} {string.Join("x", parameters[i].shape)}", Floats(parameters[i].grad!), Floats(fused.Gradients[i]), 2e-5);
    }

    [Fact]
    public void The_fused_forward_pass_predicts_the_model_s_values_and_a_sample_s_value_does_not_depend_on_its_batch()
    {
        var (config, signal) = Case("hashgrid-relu-sigmoid");
        Torch.Seed(4);
        var model = new FieldModel(config, signal);
        var (x, _) = Batch(signal, 1000, 6);
        using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, 1.0)), 0.9, 0.99, 1e-15);
        using var fused = new FusedTrainingStep(model, adam);
        var all = Floats(fused.Predict(x));
        AssertClose("predicted values", Floats(model.Predict(x)), all, 1e-5);
        Assert.Equal(all.Take(37 * signal.Channels), Floats(fused.Predict(x.narrow(0, 0, 37))));
        Assert.Equal(all.Skip(500 * signal.Channels).Take(300 * signal.Channels), Floats(fused.Predict(x.narrow(0, 500, 300))));
    }

    [Fact]
    public void Unsupported_components_are_refused_by_name_and_auto_falls_back_to_torch()
    {
        var (x, y, info) = TestSignals.ImageTensors(8);
        var config = Config(new PositionalEncodingConfig { Octaves = 2 }, new ReluActivationConfig(), new SigmoidHeadConfig(), 1, 16);
        var error = Assert.Throws<ConfigException>(() => new Trainer(new FieldModel(config, info), x, y, 0));
        Assert.Contains("encoding 'positional'", error.Message);
        using var auto = new Trainer(new FieldModel(config with { Training = config.Training with { Implementation = "auto" } }, info), x, y, 0);
        Assert.Equal("torch", auto.StepImplementation);
        using var grid = new Trainer(new FieldModel(Config(Grid, new ReluActivationConfig(), new SigmoidHeadConfig(), 1, 16, "auto"), info), x, y, 0);
        Assert.Equal("fused", grid.StepImplementation);
    }

    private static (Trainer Trainer, double Psnr) Fit(FieldConfig config, int size, int steps, long seed = 0)
    {
        var (x, y, info) = TestSignals.ImageTensors(size);
        Torch.Seed(seed);
        var trainer = new Trainer(new FieldModel(config, info), x, y, seed);
        trainer.Run(new TrainingRun(steps));
        return (trainer, trainer.Evaluate());
    }

    private static FieldConfig Preset(string implementation) =>
        Presets.Load("hashgrid") with
        {
            Encoding = (HashGridConfig)Presets.Load("hashgrid").Encoding with { Log2HashmapSize = 10, NLevels = 8 },
            Training = Presets.Load("hashgrid").Training with { Implementation = implementation },
        };

    [Fact]
    public void After_100_steps_the_fused_fit_agrees_with_torchsharp()
    {
        var (torch, torchPsnr) = Fit(Preset("torch"), 32, 100);
        var (fused, fusedPsnr) = Fit(Preset("fused"), 32, 100);
        using (torch)
        using (fused)
        {
            Assert.Equal("fused", fused.StepImplementation);
            Assert.True(Math.Abs(torchPsnr - fusedPsnr) < 0.2, $"torch {torchPsnr:F3} dB, fused {fusedPsnr:F3} dB");
            Assert.True(fusedPsnr > 25, $"the fused fit reached only {fusedPsnr:F2} dB");
            var (x, _, _) = TestSignals.ImageTensors(32);
            AssertClose("values after 100 steps", Floats(torch.Model.Predict(x)), Floats(fused.Model.Predict(x)), 2e-2);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights_bit_for_bit()
    {
        var (a, _) = Fit(Preset("fused"), 16, 15, seed: 2);
        var (b, _) = Fit(Preset("fused"), 16, 15, seed: 2);
        using (a)
        using (b)
        {
            var left = a.Model.parameters().Select(Floats).ToList();
            var right = b.Model.parameters().Select(Floats).ToList();
            for (int i = 0; i < left.Count; i++) Assert.Equal(left[i], right[i]);
        }
    }

    [Fact]
    public void A_resumed_fused_run_continues_the_same_losses()
    {
        var (x, y, info) = TestSignals.ImageTensors(16);
        var config = Preset("fused") with { Training = Preset("fused").Training with { BatchSize = 100, EvalEvery = 1 } };
        var straight = new List<double>();
        Torch.Seed(9);
        using (var trainer = new Trainer(new FieldModel(config, info), x, y, 9))
            trainer.Run(new TrainingRun(20), new Losses(straight));
        var resumed = new List<double>();
        var path = Path.Combine(Path.GetTempPath(), $"nf-fused-resume-{Guid.NewGuid():N}.ckpt");
        try
        {
            Torch.Seed(9);
            using (var first = new Trainer(new FieldModel(config, info), x, y, 9))
            {
                first.Run(new TrainingRun(20) { PauseAt = 10 }, new Losses(resumed));
                Checkpoint.Save(path, first, 9);
            }
            var loaded = Checkpoint.Load(path);
            using var second = new Trainer(loaded.Model, x, y, loaded.Seed);
            second.Optimizer.Restore(loaded.AdamStep, loaded.AdamMoments);
            second.RestoreProgress(loaded.Curve, loaded.Seconds);
            Assert.Equal("fused", second.StepImplementation);
            second.Run(new TrainingRun(20), new Losses(resumed));
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Equal(20, straight.Count);
        Assert.Equal(straight, resumed);
    }

    private sealed class Losses(List<double> into) : ITrainingObserver
    {
        public void OnStep(TrainingProgress progress) => into.Add(progress.Loss);
    }
}
