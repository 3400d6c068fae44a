using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Schema.Serialization;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

public class QuantizedEncodingTests
{
    public QuantizedEncodingTests() => Torch.EnsureLoaded();

    private static QuantizedEncoding Build(QuantizedEncodingConfig config, int dims) =>
        (QuantizedEncoding)ComponentBuilders.BuildEncoding(config, dims);

    [Fact]
    public void Coordinates_snap_to_hand_computed_cell_centres_per_axis()
    {
        // x: 4 cells of width 0.5, centres ±0.25, ±0.75; y: 2 cells, centres ±0.5.
        var e = Build(new QuantizedEncodingConfig { Resolution = [4, 2], Inner = new IdentityEncodingConfig() }, 2);
        using var input = tensor(new float[] { 0.3f, 0.3f, -0.99f, -0.01f, 1.0f, 1.0f, -1.7f, 0.0f }).reshape(4, 2);
        using var output = e.forward(input);
        float[] expected = [0.25f, 0.5f, -0.75f, -0.5f, 0.75f, 0.5f, -0.75f, 0.5f];   // 1.0 and -1.7 clamp to the edge cells
        Assert.Equal(expected, output.data<float>().ToArray());
    }

    [Fact]
    public void Every_point_of_a_cell_gives_the_same_features()
    {
        Torch.Seed(2);
        var e = Build(new QuantizedEncodingConfig { Resolution = [16], Inner = new PositionalEncodingConfig { Octaves = 6 } }, 2);
        // Cell (5, 10) of 16: x in [-0.375, -0.25), y in [0.25, 0.375).
        using var inside = rand(200, 2) * 0.124 + tensor(new float[] { -0.3749f, 0.2501f });
        using var features = e.forward(inside);
        using var first = features[0].unsqueeze(0).expand_as(features);
        Assert.True(features.eq(first).all().item<bool>());
        using var centre = tensor(new float[] { -0.3125f, 0.3125f }).reshape(1, 2);
        using var inner = e.Inner.forward(centre);
        Assert.True(allclose(features[0], inner[0]));

        // A neighbouring cell differs.
        using var next = tensor(new float[] { -0.2f, 0.3f }).reshape(1, 2);
        using var other = e.forward(next);
        Assert.False(allclose(other[0], features[0]));
    }

    [Fact]
    public void Quantizing_wraps_any_encoding_and_keeps_its_width_and_calibration()
    {
        var inner = new ShiftedGaussianConfig { Centers = 8, Sigma = 0.2 };
        var e = Build(new QuantizedEncodingConfig { Resolution = [4], Inner = inner }, 2);
        Assert.Equal(16, e.OutputDims);
        Assert.True(e.NeedsCalibration);
        using var grid = tensor(SampleGrid.Coordinates([8, 8])).reshape(-1, 2);
        e.Calibrate(grid);
        using var raw = e.forward(grid);
        Assert.Equal(1.0, raw.norm(1).max().item<float>(), 5);   // calibrated on the snapped grid
    }

    [Fact]
    public void Resolution_is_one_number_or_one_per_axis_in_json()
    {
        var config = new FieldConfig
        {
            Encoding = new QuantizedEncodingConfig { Resolution = [64], Inner = new PositionalEncodingConfig { Octaves = 3 } },
            Network = new MlpConfig { HiddenLayers = 1, Width = 4, Activation = new ReluActivationConfig() },
            Head = new SigmoidHeadConfig(),
        };
        var json = ConfigJson.Serialize(config);
        Assert.Contains("\"resolution\": 64,", json);
        Assert.Equal(config, ConfigJson.Parse(json));
        var perAxis = config with { Encoding = new QuantizedEncodingConfig { Resolution = [64, 32], Inner = new IdentityEncodingConfig() } };
        var back = ConfigJson.Parse(ConfigJson.Serialize(perAxis));
        Assert.Equal(perAxis, back);
        Assert.Equal([64, 32], ((QuantizedEncodingConfig)back.Encoding).Resolution);

        var error = Assert.Throws<ConfigException>(() => ConfigJson.Parse(json.Replace("\"resolution\": 64", "\"resolution\": \"fine\"")));
        Assert.Contains("resolution", error.Message);
        Assert.Throws<ConfigException>(() => new FieldModel(perAxis, new SignalInfo("volume", [4, 4, 4], 1, 8)));
    }
}
