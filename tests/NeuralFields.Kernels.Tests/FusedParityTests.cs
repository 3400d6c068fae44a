using NeuralFields.Backends;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Kernels.Tests;

/// <summary>The fused kernel (encoding + MLP + head) against FieldModel.Predict, to 1e-4.</summary>
[Collection(AcceleratorCollection.Name)]
public class FusedParityTests(AcceleratorFixture fixture)
{
    private const double Tolerance = 1e-4;

    private static readonly SignalInfo Rgb = new("image", [8, 8], 3, 8);

    public static TheoryData<string, FieldConfig> Models() => new()
    {
        { "positional + ReLU 3x16 + linear", Model(new PositionalEncodingConfig { Octaves = 10 }, new ReluActivationConfig(), 3, 16, new LinearHeadConfig()) },
        { "SIREN 3x32 + plain linear", Model(new IdentityEncodingConfig(), new SineActivationConfig(), 3, 32, new LinearHeadConfig { Centered = false }) },
        { "rff + sine(ω 20/10) + sigmoid", Model(new GaussianFourierConfig { Features = 16, Sigma = 2 }, new SineActivationConfig { FirstOmega0 = 20, Omega0 = 10 }, 2, 16, new SigmoidHeadConfig()) },
        { "shifted gaussian four + SPDER sqrt", Model(new ShiftedGaussianConfig { Centers = 8, Sigma = 0.15, Directions = ShiftDirections.Four }, new SpderActivationConfig(), 2, 16, new LinearHeadConfig()) },
        { "quantized triangle + SPDER arctan", Model(new QuantizedEncodingConfig { Resolution = [8], Inner = new ShiftedTriangleConfig { Centers = 8 } }, new SpderActivationConfig { Damping = SpderDamping.Arctan, Omega0 = 5, FirstOmega0 = 5 }, 2, 16, new SigmoidHeadConfig()) },
        { "hashgrid + ReLU 2x16", Model(new HashGridConfig { NLevels = 4, Log2HashmapSize = 6, BaseResolution = 2 }, new ReluActivationConfig(), 2, 16, new LinearHeadConfig()) },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Fused_render_matches_torchsharp_on_the_grid_and_at_edges(string name, FieldConfig config)
    {
        using var scope = NewDisposeScope();
        var model = Trained(config, Rgb);
        using var renderer = new DeviceRenderer(fixture.Accelerator, FieldExport.Field(model), chunk: 64);

        var grid = Coordinates.Grid(8, 8);
        EncodingParityTests.AssertClose(name + " (grid)", Predict(model, grid), renderer.RenderGrid([8, 8]), 3, Tolerance);

        var edges = Coordinates.Batch(2, Coordinates.LatticeBorders(8), rows: 40);
        EncodingParityTests.AssertClose(name + " (edges)", Predict(model, edges), renderer.Render(edges), 3, Tolerance);
    }

    [Fact]
    public void Renders_larger_than_a_chunk_and_volumes_are_pieced_together()
    {
        using var scope = NewDisposeScope();
        var image = Trained(Model(new PositionalEncodingConfig { Octaves = 4 }, new SineActivationConfig(), 2, 16, new LinearHeadConfig()), Rgb);
        using (var renderer = new DeviceRenderer(fixture.Accelerator, FieldExport.Field(image), chunk: 16))
            EncodingParityTests.AssertClose("11x7 in chunks of 16", Predict(image, Coordinates.Grid(7, 11)), renderer.RenderGrid([7, 11]), 3, Tolerance);

        var volume = Trained(Model(new PositionalEncodingConfig { Octaves = 3 }, new ReluActivationConfig(), 2, 8, new SigmoidHeadConfig()),
            new SignalInfo("volume", [3, 4, 5], 1, 8));
        using var volumeRenderer = new DeviceRenderer(fixture.Accelerator, FieldExport.Field(volume), chunk: 32);
        EncodingParityTests.AssertClose("3x4x5 volume", Predict(volume, SampleGrid.Coordinates([3, 4, 5])), volumeRenderer.RenderGrid([3, 4, 5]), 1, Tolerance);
    }

    [Fact]
    public void Models_without_a_fused_kernel_are_refused_when_forced_and_rendered_by_torch_on_auto()
    {
        using var scope = NewDisposeScope();
        var progressive = Presets.Load("siren") with
        {
            Network = new ProgressiveConfig { Levels = 2, Octaves = 4, Width = 8, Activation = new ReluActivationConfig() },
            Encoding = new IdentityEncodingConfig(),
        };
        var model = new FieldModel(progressive, Rgb);
        Assert.False(FieldExport.CanExport(model, out var reason));
        Assert.Contains("progressive", reason);
        var forced = Assert.Throws<NeuralFieldsException>(() => FieldRenderers.Create(model, AcceleratorChoice.Cpu, out _));
        Assert.Contains("--accelerator cpu", forced.Message);

        using var auto = FieldRenderers.Create(model, AcceleratorChoice.Auto, out var note);
        Assert.IsType<TorchRenderer>(auto);
        Assert.Equal(FieldRenderers.HasCuda(), note is not null);
        Assert.Equal(8 * 8 * 3, auto.RenderGrid([8, 8]).Length);
    }

    [Fact]
    public void Auto_never_picks_the_emulator()
    {
        using var scope = NewDisposeScope();
        var model = Trained(Model(new PositionalEncodingConfig { Octaves = 2 }, new ReluActivationConfig(), 1, 8, new LinearHeadConfig()), Rgb);
        using var renderer = FieldRenderers.Create(model, AcceleratorChoice.Auto, out _);
        if (FieldRenderers.HasCuda())
            Assert.IsType<FallbackRenderer>(renderer);
        else
            Assert.IsType<TorchRenderer>(renderer);
        Assert.DoesNotContain("CPU accelerator", renderer.Backend);
    }

    internal static FieldConfig Model(EncodingConfig encoding, ActivationConfig activation, int layers, int width, HeadConfig head) =>
        Presets.Load("siren") with
        {
            Encoding = encoding,
            Network = new MlpConfig { HiddenLayers = layers, Width = width, Activation = activation },
            Head = head,
        };

    /// <summary>A model with its initial weights, hash tables spread over U(-1, 1) so lookups matter.</summary>
    internal static FieldModel Trained(FieldConfig config, SignalInfo signal)
    {
        manual_seed(5);
        var model = new FieldModel(config, signal);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
                if (name.StartsWith("encoding.", StringComparison.Ordinal))
                    p.uniform_(-1, 1);
        return model;
    }

    internal static float[] Predict(FieldModel model, float[] coordinates)
    {
        using var x = tensor(coordinates).reshape(-1, model.Signal.CoordinateDims);
        using var y = model.Predict(x);
        return y.contiguous().data<float>().ToArray();
    }
}
