using NeuralFields.Backends;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Fused;
using NeuralFields.Core.Training.Steps;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Fused;
using NeuralFields.Kernels.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Kernels.Tests;

/// <summary>
/// Every registered component against every backend: the registry's claims match the code each backend has,
/// every component has a TorchSharp module whose tensors are the ones its config describes, and each backend
/// that implements a component computes what TorchSharp computes on the component's example config, on the
/// sample grid and at edge coordinates. A new component needs nothing here: it is walked from the registry.
/// </summary>
[Collection(SharedAccelerator.Name)]
public class RegistryBackendTests(AcceleratorFixture fixture)
{
    private static readonly string[] ModelKinds = ["encoding", "activation", "network", "head"];
    private static readonly SignalInfo Signal = new("image", [6, 7], 3, 8);

    public static TheoryData<string, string, Backend> Implementations()
    {
        var data = new TheoryData<string, string, Backend>();
        foreach (var entry in ComponentRegistry.All.Where(e => ModelKinds.Contains(e.Kind)))
            foreach (var backend in Enum.GetValues<Backend>().Where(entry.Implements))
                data.Add(entry.Kind, entry.Name, backend);
        return data;
    }

    [Fact]
    public void The_registry_says_for_every_component_and_backend_what_the_backend_has()
    {
        var code = new Dictionary<Backend, IReadOnlyCollection<Type>>
        {
            [Backend.Torch] = ComponentBuilders.ImplementedTypes.ToList(),
            [Backend.Kernels] = FusedField.ImplementedTypes,
            [Backend.Decoder] = ModelLayout.ImplementedTypes,
            [Backend.FusedStep] = FusedNetwork.ImplementedTypes,
        };
        Assert.Equal(Enum.GetValues<Backend>().Order(), code.Keys.Order());
        foreach (var entry in ComponentRegistry.All.Where(e => ModelKinds.Contains(e.Kind)))
            foreach (var backend in Enum.GetValues<Backend>())
            {
                bool claimed = entry.Implements(backend), present = code[backend].Contains(entry.ConfigType);
                Assert.True(claimed == present,
                    $"{entry}: the registry says {ComponentRegistry.BackendName(backend)} {(claimed ? "computes it" : "does not")}, the backend {(present ? "has" : "has no")} [Computes] code for it");
                if (!claimed)
                    Assert.False(string.IsNullOrWhiteSpace(entry.Missing(backend)), $"{entry}: no {backend} implementation and no reason given in the registry");
            }
    }

    [Fact]
    public void Every_module_holds_exactly_the_tensors_its_config_describes()
    {
        foreach (var entry in ComponentRegistry.All.Where(e => ModelKinds.Contains(e.Kind)))
        {
            var config = Host(entry);
            var model = new FieldModel(config, Signal);
            var described = model.Layout.Tensors.ToDictionary(t => t.Name, t => t.Shape.Select(d => (long)d).ToArray());
            var held = model.state_dict().ToDictionary(t => t.Key, t => t.Value.shape);
            Assert.True(described.Keys.Order().SequenceEqual(held.Keys.Order()),
                $"{entry}: config describes [{string.Join(", ", described.Keys.Order())}], module holds [{string.Join(", ", held.Keys.Order())}]");
            foreach (var (name, shape) in described)
                Assert.True(shape.SequenceEqual(held[name]), $"{entry}: {name} described [{string.Join(", ", shape)}], held [{string.Join(", ", held[name])}]");
            var trained = model.named_parameters().Select(p => p.name).Order();
            Assert.Equal(model.Layout.Parameters.Select(t => t.Name).Order(), trained);
            using var raw = model.forward(zeros(5, 2));
            Assert.Equal([5L, model.Head.RawOutputs], raw.shape);
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Backend_computes_what_torchsharp_computes(string kind, string name, Backend backend)
    {
        var entry = ComponentRegistry.Find(kind, name);
        using var scope = NewDisposeScope();
        var model = FusedParityTests.Trained(Host(entry, backend), Signal);
        int height = Signal.Dimensions[0], width = Signal.Dimensions[1];
        var grid = SampleGrid.Coordinates(Signal.Dimensions);
        var expected = FusedParityTests.Predict(model, grid);
        switch (backend)
        {
            case Backend.Torch:
                Assert.Equal(height * width * Signal.Channels, expected.Length);
                break;
            case Backend.Kernels:
            {
                using var renderer = new DeviceRenderer(fixture.Accelerator, FieldExport.Field(model), chunk: 32);
                EncodingParityTests.AssertClose($"{entry} (grid)", expected, renderer.RenderGrid(Signal.Dimensions), Signal.Channels, 1e-4);
                var edges = Coordinates.Batch(2, [-1f, 1f, .. Coordinates.LatticeBorders(8)], rows: 24);
                EncodingParityTests.AssertClose($"{entry} (edges)", FusedParityTests.Predict(model, edges), renderer.Render(edges), Signal.Channels, 1e-4);
                if (kind == "encoding")
                    EncodingKernelMatches(entry, (EncodingConfig)entry.Example());
                break;
            }
            case Backend.Decoder:
            {
                var tensors = model.named_parameters().ToDictionary(p => p.name, p => FusedParityTests.Floats(p.parameter));
                var portable = new FieldEvaluator(model.Config, Signal, tensors).Values();
                bool bitPlanes = model.Head is Core.Heads.BitPlaneHead;
                int differing = 0;
                for (int i = 0; i < portable.Length; i++)
                {
                    if (bitPlanes) differing += expected[i] == portable[i] ? 0 : 1;   // a logit at 0 may round either way: rare
                    else Assert.True(Math.Abs(expected[i] - portable[i]) < 1e-4, $"{entry}, sample {i}: torch {expected[i]}, decoder {portable[i]}");
                }
                Assert.True(differing <= portable.Length / 50, $"{entry}: {differing} of {portable.Length} bit-plane samples differ");
                break;
            }
            case Backend.FusedStep:
            {
                // Raw outputs of the fused step's forward pass against the module's, on the grid and at edge coordinates.
                var edges = Coordinates.Batch(2, [-1f, 1f, .. Coordinates.LatticeBorders(8)], rows: 24);
                foreach (var (what, points) in new[] { ("grid", grid), ("edges", edges) })
                {
                    using var x = tensor(points).reshape(-1, 2);
                    using var torchRaw = model.forward(x);
                    using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, 1.0)), 0.9, 0.999, 1e-8);
                    using var step = new FusedTrainingStep(model, adam);
                    using var targets = zeros(x.shape[0], Signal.Channels);
                    var result = step.Compute(x, targets, backward: false, keepOutputs: true);
                    using var fusedRaw = result.Outputs!;
                    EncodingParityTests.AssertClose($"{entry} ({what})", FusedParityTests.Floats(torchRaw), FusedParityTests.Floats(fusedRaw), model.Head.RawOutputs, 1e-4);
                }
                break;
            }
        }
    }

    /// <summary>The encoding's kernel alone on 1-, 2- and 3-D coordinates (where its config takes them), edges included.</summary>
    private void EncodingKernelMatches(ComponentType entry, EncodingConfig config)
    {
        for (int dims = 1; dims <= 3; dims++)
        {
            if (!Takes(config, dims)) continue;
            var module = EncodingParityTests.Build(config, dims);
            var coordinates = Coordinates.Batch(dims, EncodingParityTests.Borders(config, dims), rows: 24);
            using var encoder = new DeviceEncoder(fixture.Accelerator, EncodingPlan.Build(FieldExport.Encoding(module)), chunk: 32);
            Assert.Equal(module.OutputDims, encoder.Plan.OutputDims);
            // Phases reach tens of radians for the examples' widest bases (rff σ = 10): a float ulp there is ~4e-6.
            EncodingParityTests.AssertClose($"{entry} ({dims}-D encoding)", EncodingParityTests.Torch(module, coordinates, dims), encoder.Encode(coordinates), module.OutputDims, 3e-5);
        }
    }

    private static bool Takes(EncodingConfig config, int dims)
    {
        try
        {
            config.Tensors(dims);
            return config.OutputDims(dims) > 0;
        }
        catch (ConfigException)
        {
            return false;
        }
    }

    /// <summary>
    /// A whole model around the component's example config: the other parts are the simplest every backend
    /// computes (positional encoding, raw coordinates for the fused step, ReLU MLP 2x16, linear head), so a failure names the component.
    /// </summary>
    private static FieldConfig Host(ComponentType entry, Backend backend = Backend.Torch)
    {
        var example = entry.Example();
        var activation = example as ActivationConfig ?? new ReluActivationConfig();
        return new FieldConfig
        {
            // The fused step encodes raw coordinates or hash grids only.
            Encoding = example as EncodingConfig ?? (backend == Backend.FusedStep ? new IdentityEncodingConfig() : new PositionalEncodingConfig { Octaves = 3 }),
            Network = example as NetworkConfig ?? new MlpConfig { HiddenLayers = 2, Width = 16, Activation = activation },
            Head = example as HeadConfig ?? new LinearHeadConfig(),
        };
    }
}
