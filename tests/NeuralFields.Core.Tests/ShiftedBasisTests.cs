using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class ShiftedBasisTests
{
    public ShiftedBasisTests() => Torch.EnsureLoaded();

    private static float[] Rows(Encoding e, int dims, params float[] coordinates)
    {
        using var x = tensor(coordinates).reshape(-1, dims);
        using var y = e.forward(x);
        return y.data<float>().ToArray();
    }

    [Fact]
    public void Gaussian_basis_equals_hand_computed_values_after_calibration()
    {
        // 4 centres on [-1,1]: -0.75, -0.25, 0.25, 0.75; σ = 0.5.
        var e = new ShiftedGaussian(new ShiftedGaussianConfig { Centers = 4, Sigma = 0.5 }, 1);
        Assert.Equal(4, e.OutputDims);
        double[] c = [-0.75, -0.25, 0.25, 0.75];
        double Phi(double x, double ck) => Math.Exp(-(x - ck) * (x - ck) / (2 * 0.25));
        double RowNorm(double x) => Math.Sqrt(c.Sum(ck => Phi(x, ck) * Phi(x, ck)));

        using (var grid = tensor(new float[] { -0.75f, -0.25f, 0.25f, 0.75f }).reshape(-1, 1))
            e.Calibrate(grid);
        double norm = Math.Max(RowNorm(-0.75), RowNorm(-0.25));   // symmetric: the inner centres have the largest row
        Assert.Equal(norm, e.Normalisation, 5);

        var actual = Rows(e, 1, 0.1f);
        for (int k = 0; k < 4; k++) Assert.Equal(Phi(0.1, c[k]) / norm, actual[k], 5);
    }

    [Fact]
    public void Triangle_basis_in_four_directions_equals_hand_computed_values()
    {
        // 4 centres, default d = spacing 0.5; directions x, y, (x+y)/2, (x−y)/2.
        var e = new ShiftedTriangle(new ShiftedTriangleConfig { Centers = 4, Directions = ShiftDirections.Four }, 2);
        Assert.Equal(16, e.OutputDims);
        Assert.Equal(0.5, e.HalfWidth, 12);
        using (var one = tensor(new float[] { 0.25f, 0.25f }).reshape(1, 2))
            e.Calibrate(one);
        double x = 0.3, y = -0.2;
        double[] t = [x, y, (x + y) / 2, (x - y) / 2];
        double[] c = [-0.75, -0.25, 0.25, 0.75];
        var raw = t.SelectMany(tj => c.Select(ck => Math.Max(0, 1 - Math.Abs(tj - ck) / 0.5))).ToArray();
        // Calibrated on (0.25, 0.25): t = 0.25, 0.25, 0.25, 0 → rows 1, 1, 1 and (0.5, 0.5) → norm √3.5.
        double norm = Math.Sqrt(3.5);
        Assert.Equal(norm, e.Normalisation, 5);
        var actual = Rows(e, 2, (float)x, (float)y);
        for (int i = 0; i < 16; i++) Assert.Equal(raw[i] / norm, actual[i], 5);
    }

    [Fact]
    public void Triangle_half_width_can_be_set_and_four_directions_need_2d()
    {
        var e = new ShiftedTriangle(new ShiftedTriangleConfig { Centers = 2, HalfWidth = 2 }, 1);
        using (var grid = tensor(new float[] { 0f }).reshape(1, 1))
            e.Calibrate(grid);
        // Centres ±0.5, d = 2: at 0 both are 0.75, norm 0.75√2; at 0.5: 1 and 0.5.
        var actual = Rows(e, 1, 0.5f);
        Assert.Equal(1 / (0.75 * Math.Sqrt(2)), actual[1], 5);
        Assert.Equal(0.5 / (0.75 * Math.Sqrt(2)), actual[0], 5);
        Assert.Throws<ConfigException>(() => new ShiftedGaussian(new ShiftedGaussianConfig { Centers = 4, Sigma = 1, Directions = ShiftDirections.Four }, 3));
    }

    [Fact]
    public void Normalisation_is_fixed_on_the_training_grid_and_travels_in_checkpoints()
    {
        var (x, y, info) = TestSignals.ImageTensors(16);
        var config = new FieldConfig
        {
            Encoding = new ShiftedGaussianConfig { Centers = 16, Sigma = 0.1 },
            Network = new MlpConfig { HiddenLayers = 1, Width = 8, Activation = new ReluActivationConfig() },
            Head = new SigmoidHeadConfig(),
            Training = new TrainingConfig { LearningRate = 1e-3 },
        };
        Torch.Seed(1);
        var model = new FieldModel(config, info);
        var encoding = (ShiftedGaussian)model.Encoding;
        using (var raw = encoding.forward(x))
        {
            // Calibrated by the model on its 16x16 grid: the largest row there has norm 1.
            Assert.Equal(1.0, raw.norm(1).max().item<float>(), 5);
        }
        // Batch-independent: three rows alone equal the same rows of the full grid.
        using (var all = encoding.forward(x))
        using (var few = encoding.forward(x.narrow(0, 40, 3)))
            Assert.True(allclose(all.narrow(0, 40, 3), few));

        using var trainer = new Trainer(model, x, y, 1);
        trainer.Run(new TrainingRun(3));
        var path = Path.Combine(Path.GetTempPath(), $"nf-shifted-{Guid.NewGuid():N}.ckpt");
        try
        {
            Checkpoint.Save(path, trainer, 1);
            var loaded = Checkpoint.Load(path);
            Assert.Equal(encoding.Normalisation, ((ShiftedGaussian)loaded.Model.Encoding).Normalisation, 6);
            using var fine = tensor(SampleGrid.Coordinates([40, 40])).reshape(-1, 2);
            using var before = model.Predict(fine);
            using var after = loaded.Model.Predict(fine);
            Assert.True(allclose(before, after, rtol: 1e-5, atol: 1e-6));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Stable_rank_and_distance_preservation_of_a_one_hot_basis()
    {
        // Triangles of half-width one spacing centred on the grid points: the embedding is the identity matrix.
        var onehot = new ShiftedTriangle(new ShiftedTriangleConfig { Centers = 32 }, 1);
        var stats = EncodingAnalysis.Analyze(onehot, 32);
        Assert.Equal(32, stats.Samples);
        Assert.Equal(32.0, stats.StableRank, 3);
        Assert.Equal(32.0, stats.StableRankL1, 3);
        Assert.Equal(1.0 / 64, stats.DistancePreservation, 9);

        // Wider Gaussians: lower stable rank, better distance preservation (the paper's trade-off).
        var narrow = EncodingAnalysis.Analyze(new ShiftedGaussian(new ShiftedGaussianConfig { Centers = 64, Sigma = 0.02 }, 1), 64);
        var wide = EncodingAnalysis.Analyze(new ShiftedGaussian(new ShiftedGaussianConfig { Centers = 64, Sigma = 0.2 }, 1), 64);
        Assert.True(wide.StableRank < narrow.StableRank, $"SR {wide.StableRank} vs {narrow.StableRank}");
        Assert.True(wide.DistancePreservation > narrow.DistancePreservation);

        // 2-D, axis-concatenated one-hot triangles: a sample shares half its energy with its row and its column,
        // correlation 0.5 there and 0 elsewhere, so 2·16 − 1 of 256 samples count: DP = √(31/256)/2.
        var grid2d = EncodingAnalysis.Analyze(new ShiftedTriangle(new ShiftedTriangleConfig { Centers = 16 }, 2), 16);
        Assert.Equal(256, grid2d.Samples);
        Assert.Equal(32, grid2d.Features);
        Assert.Equal(Math.Sqrt(31.0 / 256) / 2, grid2d.DistancePreservation, 9);
    }
}
