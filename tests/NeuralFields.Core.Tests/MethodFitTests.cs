using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Tests;

/// <summary>
/// Every method of the seed papers fits the 32x32 test image better than the plain "relu" preset
/// (raw coordinates, 4x256) on the same step budget. Test-sized models, so the whole class takes seconds.
/// </summary>
public class MethodFitTests
{
    private const int Steps = 150;

    private static readonly Lazy<double> ReluBaseline = new(() => Fit(Presets.Load("relu")));

    private static double Fit(FieldConfig config)
    {
        var (x, y, info) = TestSignals.ImageTensors(32);
        Torch.Seed(0);
        var model = new FieldModel(config, info);
        using var trainer = new Trainer(model, x, y, 0);
        trainer.Run(new TrainingRun(Steps));
        return trainer.Evaluate();
    }

    private static FieldConfig Relu(EncodingConfig encoding, int layers = 2, int width = 64, double learningRate = 5e-3) => new()
    {
        Encoding = encoding,
        Network = new MlpConfig { HiddenLayers = layers, Width = width, Activation = new ReluActivationConfig() },
        Head = new SigmoidHeadConfig(),
        Training = new TrainingConfig { LearningRate = learningRate, Schedule = new CosineScheduleConfig { FinalFraction = 0.1 } },
    };

    public static TheoryData<string> Methods => new()
    {
        "shifted_gaussian", "shifted_triangle", "learnable_fourier", "quantized", "progressive", "spder", "poly",
    };

    private static FieldConfig MethodConfig(string method) => method switch
    {
        "shifted_gaussian" => Relu(new ShiftedGaussianConfig { Centers = 32, Sigma = 0.05 }, layers: 3, width: 128),
        "shifted_triangle" => Relu(new ShiftedTriangleConfig { Centers = 32, Directions = ShiftDirections.Four }, layers: 3, width: 128),
        "learnable_fourier" => Relu(new LearnableFourierConfig { Features = 128, Gamma = 0.05 }),
        "quantized" => Relu(new QuantizedEncodingConfig { Resolution = [32], Inner = new PositionalEncodingConfig { Octaves = 6 } }),
        "progressive" => Relu(new IdentityEncodingConfig()) with
        {
            Network = new ProgressiveConfig { Levels = 3, Octaves = 6, Width = 64, Activation = new ReluActivationConfig() },
        },
        "spder" => new FieldConfig
        {
            Encoding = new IdentityEncodingConfig(),
            Network = new MlpConfig { HiddenLayers = 2, Width = 64, Activation = new SpderActivationConfig() },
            Head = new LinearHeadConfig(),
            Training = new TrainingConfig { LearningRate = 1e-4 },
        },
        "poly" => Relu(new IdentityEncodingConfig(), learningRate: 2e-3) with { Network = new PolyConfig { Levels = 6, Width = 64 } },
        _ => throw new ArgumentException(method),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Method_fits_a_32x32_image_better_than_plain_relu_on_the_same_budget(string method)
    {
        var config = MethodConfig(method);
        Assert.Equal(method, ComponentRegistry.Describe(method is "progressive" or "poly" ? config.Network
            : method == "spder" ? ((MlpConfig)config.Network).Activation : config.Encoding).Name);
        double psnr = Fit(config);
        double baseline = ReluBaseline.Value;
        Assert.True(psnr > baseline + 2, $"{method} {psnr:F2} dB vs relu {baseline:F2} dB after {Steps} steps");
    }
}
