using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Format;
using NeuralFields.Codec.Quantization;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Tests;

/// <summary>The portable decoder computes what the TorchSharp model computes (to float rounding), and always the same bits itself.</summary>
public class AgreementTests
{
    public static TheoryData<string> Models => new() { "siren", "relu-hashgrid", "relu-positional-sigmoid", "relu-rff", "bitplane", "bitplane-coordinate" };

    private static FieldConfig Config(string name) => name switch
    {
        "siren" => CodecSignals.Siren(),
        "relu-hashgrid" => CodecSignals.Siren(1, 16, encoding: new HashGridConfig { NLevels = 4, Log2HashmapSize = 6, BaseResolution = 2, PerLevelScale = 1.5, InitScale = 0.1 },
            activation: new ReluActivationConfig(), learningRate: 1e-2),
        "relu-positional-sigmoid" => CodecSignals.Siren(2, 16, new SigmoidHeadConfig(), new PositionalEncodingConfig { Octaves = 4 }, new ReluActivationConfig()),
        "relu-rff" => CodecSignals.Siren(2, 16, encoding: new GaussianFourierConfig { Features = 16, Sigma = 2, Seed = 9 }, activation: new ReluActivationConfig()),
        "bitplane" => CodecSignals.Siren(2, 16, new BitPlaneHeadConfig()),
        _ => CodecSignals.Siren(2, 16, new BitPlaneCoordinateHeadConfig()),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Torch_render_and_portable_decoder_agree_on_the_quantised_model(string name)
    {
        var (info, samples) = CodecSignals.Image(12, 9, 3, 8);
        var config = Config(name);
        Torch.Seed(1);
        using var scope = NewDisposeScope();
        var model = new FieldModel(config, info);
        var coordinates = tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2);
        var targets = tensor(FieldCompressor.Values(samples, info.MaxValue)).reshape(-1, 3);
        using (var trainer = new Trainer(model, coordinates, targets, 1)) trainer.Run(new TrainingRun(20));
        var tensors = ModelTensors.Quantize(model, new QuantizationPlan(8));
        ModelTensors.Load(model, tensors);

        var torchValues = ModelTensors.Values(model.Predict(coordinates));
        var evaluator = new FieldEvaluator(config, info, tensors.ToDictionary(t => t.Name, t => t.Dequantize()));
        var portable = evaluator.Values();
        Assert.Equal(torchValues.Length, portable.Length);
        bool bitPlanes = config.Head is BitPlaneHeadConfig or BitPlaneCoordinateHeadConfig;
        int differing = 0;
        for (int i = 0; i < portable.Length; i++)
        {
            if (bitPlanes) differing += torchValues[i] == portable[i] ? 0 : 1;   // a logit at 0 may flip: rare
            else Assert.True(Math.Abs(torchValues[i] - portable[i]) < 2e-4, $"sample {i}: torch {torchValues[i]}, decoder {portable[i]}");
        }
        Assert.True(differing <= portable.Length / 50, $"{differing} of {portable.Length} bit-plane samples differ");
        Assert.Equal(portable, evaluator.Values());                              // exact to itself
    }

    [Fact]
    public void Compression_refuses_components_the_decoder_cannot_compute_before_training()
    {
        var (info, samples) = CodecSignals.Image(4, 4, 1, 8);
        var config = new FieldConfig
        {
            Encoding = new ShiftedTriangleConfig { Centers = 8 },
            Network = new MlpConfig { HiddenLayers = 1, Width = 8, Activation = new SpderActivationConfig() },
            Head = new LinearHeadConfig(),
            Training = new TrainingConfig { Steps = 1_000_000 },
        };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<NeuralFieldsException>(() => FieldCompressor.Compress(info, samples, new CompressionOptions(config)));
        Assert.Contains("encoding 'shifted_triangle'", error.Message);
        Assert.Contains("activation 'spder'", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Quantisation_aware_fine_tuning_is_no_worse_than_rounding_after_training()
    {
        var (info, samples) = CodecSignals.Image(12, 12, 1, 8);
        var options = new CompressionOptions(CodecSignals.Siren(2, 16)) { Steps = 60, Bits = 4, Seed = 2 };
        var rounded = FieldCompressor.Compress(info, samples, options with { QatSteps = 0 });
        var tuned = FieldCompressor.Compress(info, samples, options with { QatSteps = 30 });
        Assert.True(tuned.Psnr >= rounded.Psnr - 0.05, $"QAT {tuned.Psnr:F2} dB, PTQ {rounded.Psnr:F2} dB");
    }
}
