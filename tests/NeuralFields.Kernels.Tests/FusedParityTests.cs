using NeuralFields.Backends;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Kernels.Tests;

/// <summary>
/// The fused kernel's plumbing (chunks, volumes, refusals, the auto choice). Its values against FieldModel.Predict are
/// checked for every registered component by <see cref="RegistryBackendTests"/>.
/// </summary>
[Collection(SharedAccelerator.Name)]
public class FusedParityTests(AcceleratorFixture fixture)
{
    private const double Tolerance = 1e-4;

    private static readonly SignalInfo Rgb = new("image", [8, 8], 3, 8);

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
                if (name.StartsWith(FieldLayout.EncodingPrefix + ".", StringComparison.Ordinal))
                    p.uniform_(-1, 1);
        return model;
    }

    internal static float[] Floats(Tensor tensor)
    {
        using var cpu = tensor.detach().contiguous();
        return cpu.data<float>().ToArray();
    }

    internal static float[] Predict(FieldModel model, float[] coordinates)
    {
        using var x = tensor(coordinates).reshape(-1, model.Signal.CoordinateDims);
        using var y = model.Predict(x);
        return y.contiguous().data<float>().ToArray();
    }
}
