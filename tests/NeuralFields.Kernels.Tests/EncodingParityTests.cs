using NeuralFields.Backends;
using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Kernels.Tests;

/// <summary>
/// The encoding kernels' plumbing: chunking, the launcher cache, refusals. Every kernel's values against TorchSharp are
/// checked for every registered encoding by <see cref="RegistryBackendTests"/>; the helpers here serve both.
/// </summary>
[Collection(SharedAccelerator.Name)]
public class EncodingParityTests(AcceleratorFixture fixture)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Batches_larger_than_a_chunk_are_encoded_in_pieces()
    {
        using var scope = NewDisposeScope();
        var module = Build(new PositionalEncodingConfig { Octaves = 3 }, 2);
        var coordinates = Coordinates.Batch(2, rows: 50);
        using var small = new DeviceEncoder(fixture.Accelerator, EncodingPlan.Build(FieldExport.Encoding(module)), chunk: 16);
        AssertClose("chunked", Torch(module, coordinates, 2), small.Encode(coordinates), module.OutputDims, Tolerance);
    }

    [Fact]
    public void Kernels_are_loaded_once_per_accelerator_and_type()
    {
        var spec = new EncodingSpec(new PositionalEncodingConfig { Octaves = 2 }, 1);
        using (new DeviceEncoder(fixture.Accelerator, EncodingPlan.Build(spec), chunk: 4)) { }
        int loaded = KernelCache.For(fixture.Accelerator).Count;
        // Another value of the same struct type reuses the launcher (ILGPU specialises behind it).
        using var other = new DeviceEncoder(fixture.Accelerator, EncodingPlan.Build(spec with { Config = new PositionalEncodingConfig { Octaves = 5 } }), chunk: 4);
        Assert.Equal(loaded, KernelCache.For(fixture.Accelerator).Count);
        Assert.Equal(2 * 11, other.Encode([0.25f, -0.5f]).Length);
    }

    [Fact]
    public void Missing_data_and_uncalibrated_bases_are_refused_with_a_message()
    {
        var rff = Assert.Throws<ConfigException>(() => EncodingPlan.Build(new EncodingSpec(new GaussianFourierConfig { Features = 4, Sigma = 1 }, 2)));
        Assert.Contains("rff", rff.Message);
        var shifted = Assert.Throws<ConfigException>(() => EncodingPlan.Build(
            new EncodingSpec(new ShiftedGaussianConfig { Centers = 4, Sigma = 0.1 }, 1)
            {
                Tensors = new Dictionary<string, float[]> { [ShiftedBasisConfig.ProjectionName] = [1f], [ShiftedBasisConfig.CentersName] = new float[4], [ShiftedBasisConfig.NormName] = [0f] },
            }));
        Assert.Contains("not calibrated", shifted.Message);
        var grid = Assert.Throws<ConfigException>(() => EncodingPlan.Build(
            new EncodingSpec(new HashGridConfig { NLevels = 2, Log2HashmapSize = 4 }, 2) { Tensors = new Dictionary<string, float[]> { [HashGridConfig.TableName] = new float[3] } }));
        Assert.Contains("table", grid.Message);
    }

    /// <summary>The Core module, calibrated on a 16x16 grid where it needs it, with hash tables set to U(-1, 1).</summary>
    internal static Encoding Build(EncodingConfig config, int dims)
    {
        manual_seed(11);
        var module = ComponentBuilders.BuildEncoding(config, dims);
        if (module.NeedsCalibration)
        {
            using var grid = tensor(SampleGrid.Coordinates(Enumerable.Repeat(16, dims).ToArray())).reshape(-1, dims);
            module.Calibrate(grid);
        }
        using (no_grad())
            foreach (var p in module.parameters())
                p.uniform_(-1, 1);
        return module;
    }

    internal static float[] Torch(Encoding module, float[] coordinates, int dims)
    {
        using var _ = no_grad();
        using var x = tensor(coordinates).reshape(-1, dims);
        using var y = module.forward(x);
        return y.contiguous().data<float>().ToArray();
    }

    /// <summary>Coordinates where this encoding's floor flips: lattice borders, grid vertices.</summary>
    internal static IEnumerable<float> Borders(EncodingConfig config, int dims) => config switch
    {
        QuantizedEncodingConfig q => q.ResolutionFor(dims).SelectMany(Coordinates.LatticeBorders).Concat(Borders(q.Inner, dims)),
        HashGridConfig h => HashGridLevel.For(h, dims).SelectMany(l => Coordinates.GridVertices(l.Scale)).Take(12),
        ShiftedBasisConfig s => Enumerable.Range(0, s.Centers).Select(k => SampleGrid.Coordinate(k, s.Centers)),
        _ => [],
    };

    internal static void AssertClose(string name, float[] expected, float[] actual, int width, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (double.IsNaN(error)) error = double.PositiveInfinity;
            if (error > worst) (worst, at) = (error, i);
        }
        Assert.True(worst <= tolerance,
            $"{name}: largest difference {worst:E2} at row {at / width}, feature {at % width} (torch {expected[at]}, kernel {actual[at]})");
    }
}
