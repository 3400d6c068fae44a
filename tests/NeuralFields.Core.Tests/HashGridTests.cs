using NeuralFields.Core.Encodings;
using NeuralFields.Core.Encodings.HashGrid;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class HashGridTests
{
    public HashGridTests() => Torch.EnsureLoaded();

    [Fact]
    public void One_dense_level_interpolates_linearly_between_its_two_vertices()
    {
        // base 4, one level: scale 3, vertices 0..4 at u = (k - 0.5)/3.
        var layout = new HashGridLayout(new HashGridConfig { NLevels = 1, BaseResolution = 4, Log2HashmapSize = 8 }, 1);
        Assert.True(layout.Dense[0]);
        Span<int> index = stackalloc int[2];
        Span<float> weight = stackalloc float[2];
        layout.Corners1([0.0f], 0, index, weight);          // u = 0.5 → pos = 2.0: vertex 2 with weight 1
        Assert.Equal(2, index[0]);
        Assert.Equal(3, index[1]);
        Assert.Equal(1f, weight[0], 6);
        Assert.Equal(0f, weight[1], 6);
        layout.Corners1([-0.8f], 0, index, weight);         // u = 0.1 → pos = 0.8: vertices 0 and 1, weights 0.2, 0.8
        Assert.Equal((0, 1), (index[0], index[1]));
        Assert.Equal(0.2f, weight[0], 5);
        Assert.Equal(0.8f, weight[1], 5);
    }

    [Fact]
    public void Coarse_levels_are_dense_and_fine_levels_use_the_spatial_hash()
    {
        var config = new HashGridConfig { NLevels = 2, BaseResolution = 4, PerLevelScale = 8, Log2HashmapSize = 6 };
        var layout = new HashGridLayout(config, 2);
        Assert.True(layout.Dense[0]);                  // scale 3: 5x5 = 25 vertices ≤ 64
        Assert.False(layout.Dense[1]);                 // scale 31: 33x33 vertices > 64
        Assert.Equal(32, layout.Sizes[0]);             // 25 rounded up to a multiple of 8
        Assert.Equal(64, layout.Sizes[1]);
        Span<int> index = stackalloc int[4];
        Span<float> weight = stackalloc float[4];
        // (x, y) = (0.25, -0.5): u = (0.625, 0.25); pos = u·31 + 0.5 = (19.875, 8.25): cell (19, 8).
        layout.Corners1([0.25f, -0.5f], 1, index, weight);
        uint Hash(uint gx, uint gy) => (gx ^ gy * 2654435761u) % 64;
        Assert.Equal(32 + (int)Hash(19, 8), index[0]);
        Assert.Equal(32 + (int)Hash(20, 8), index[1]);
        Assert.Equal(32 + (int)Hash(19, 9), index[2]);
        Assert.Equal(32 + (int)Hash(20, 9), index[3]);
        Assert.Equal(0.125f * 0.75f, weight[0], 5);
        Assert.Equal(0.875f * 0.75f, weight[1], 5);
        Assert.Equal(0.125f * 0.25f, weight[2], 5);
        Assert.Equal(0.875f * 0.25f, weight[3], 5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Native_kernels_match_the_torch_reference_in_value_and_gradient(int dims)
    {
        var config = new HashGridConfig { NLevels = 3, BaseResolution = 3, PerLevelScale = 2.5, Log2HashmapSize = 5, InitScale = 0.5 };
        Torch.Seed(5);
        var native = new HashGridEncoding(config, dims);
        var reference = new HashGridEncoding(config with { Implementation = "torch" }, dims);
        using (no_grad()) reference.parameters().First().copy_(native.parameters().First());
        using var x = rand(40, dims) * 2 - 1;
        using var w = randn(40, native.OutputDims);
        var a = native.forward(x);
        var b = reference.forward(x);
        Assert.True(allclose(a, b, rtol: 1e-5, atol: 1e-6));
        (a * w).sum().backward();
        (b * w).sum().backward();
        Assert.True(allclose(native.parameters().First().grad!, reference.parameters().First().grad!, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void Table_gradient_matches_finite_differences()
    {
        var config = new HashGridConfig { NLevels = 2, BaseResolution = 2, PerLevelScale = 2, Log2HashmapSize = 4, InitScale = 1 };
        Torch.Seed(6);
        var grid = new HashGridEncoding(config, 2);
        var table = grid.parameters().First();
        using var x = rand(7, 2) * 2 - 1;
        using var w = randn(7, grid.OutputDims);
        (grid.forward(x) * w).sum().backward();
        var analytic = table.grad!.data<float>().ToArray();
        double Loss()
        {
            using var _ = no_grad();
            using var y = grid.forward(x);
            return (y.to(ScalarType.Float64) * w.to(ScalarType.Float64)).sum().item<double>();
        }
        const float h = 1e-2f;
        for (int i = 0; i < table.numel(); i++)
        {
            using (no_grad()) table.view(-1)[i].add_(h);
            double up = Loss();
            using (no_grad()) table.view(-1)[i].sub_(2 * h);
            double down = Loss();
            using (no_grad()) table.view(-1)[i].add_(h);
            Assert.Equal((up - down) / (2 * h), analytic[i], 2);
        }
    }

    [Fact]
    public void Hash_grid_fits_a_32x32_image_beyond_35_dB_quickly()
    {
        var (x, y, info) = TestSignals.ImageTensors(32);
        Torch.Seed(0);
        var model = new FieldModel(Presets.Load("hashgrid"), info);
        using var trainer = new Trainer(model, x, y, 0);
        var outcome = trainer.Run(new TrainingRun(200) { TargetPsnr = 35 });
        Assert.True(outcome.ReachedTarget, $"reached only {trainer.Evaluate():F2} dB in {outcome.Steps} steps");
    }
}
