using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;

namespace NeuralFields.Fitting.Tests;

/// <summary>
/// The memory estimate a plan is built on, against numbers worked out by hand for a SIREN-sized MLP. (Measuring a step's
/// peak inside the test process proved unreliable: freed pages of earlier tests are reused or not, 16 MB to 908 MB for the
/// same step; `nf-bench memory` measures estimate against peak resident memory in separate processes.)
/// </summary>
public sealed class MemoryMeasureTests
{
    [Fact]
    public void The_estimate_of_a_3x256_mlp_matches_the_hand_count()
    {
        var config = ConfigJson.Parse("""
            { "encoding": { "type": "none" },
              "network": { "type": "mlp", "hidden_layers": 3, "width": 256, "activation": { "type": "relu" } },
              "head": { "type": "sigmoid" },
              "training": { "learning_rate": 1e-3, "steps": 2, "batch_size": 16384 } }
            """);
        var estimate = MemoryEstimate.Of(config, new SignalInfo("image", [256, 256], 3, 8), 16384);

        // Weights and biases: 2->256, 256->256 twice, 256->3.
        const long parameters = (2 * 256 + 256) + 2 * (256 * 256 + 256) + (256 * 3 + 3);
        Assert.Equal(4 * parameters, estimate.Model);
        Assert.Equal(4 * parameters, estimate.Gradients);
        Assert.Equal(8 * parameters, estimate.Optimizer);
        // Per sample: coordinates and encoding (value, kept copy, gradient: 3 x 2 each), four layer outputs before and
        // after activation with their gradients (4 x 771), head outputs (4 x 3), target, prediction and loss (3 x 3), index (2).
        const long perSample = 4 * (3 * 2 + 3 * 2 + 4 * (256 + 256 + 256 + 3) + 4 * 3 + 3 * 3 + 2);
        Assert.Equal(16384 * perSample, estimate.Batch);
        Assert.Equal(MemoryEstimate.ProcessBytes, estimate.Process);
    }
}
