using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Schema.Serialization;

namespace NeuralFields.Schema.Tests;

public class ConfigJsonTests
{
    private static FieldConfig Sample() => new()
    {
        Description = "test",
        Encoding = new PositionalEncodingConfig { Octaves = 4, IncludeInput = false },
        Network = new MlpConfig { HiddenLayers = 2, Width = 16, Activation = new SineActivationConfig { Omega0 = 20, FirstOmega0 = 25 } },
        Head = new SigmoidHeadConfig(),
        Training = new TrainingConfig { LearningRate = 3e-4, Steps = 10, Schedule = new StepScheduleConfig { Every = 5, Gamma = 0.3 } },
    };

    [Fact]
    public void Config_round_trips_through_json()
    {
        var json = ConfigJson.Serialize(Sample());
        var back = ConfigJson.Parse(json);
        Assert.Equal(json, ConfigJson.Serialize(back));
        Assert.Equal(Sample(), back);
        Assert.Contains("\"type\": \"positional\"", json);
        Assert.Contains("\"first_omega0\": 25", json);
    }

    [Fact]
    public void Every_registered_component_round_trips_alone()
    {
        foreach (var entry in ComponentRegistry.All)
        {
            var example = entry.Example();
            Assert.IsType(entry.ConfigType, example);
            example.Validate(entry.Kind);
            var json = System.Text.Json.JsonSerializer.Serialize(example, BaseTypeOf(entry.Kind), ConfigJson.Options);
            Assert.StartsWith($"{{\n  \"type\": \"{entry.Name}\"", json.Replace("\r", ""));
            var back = System.Text.Json.JsonSerializer.Deserialize(json, BaseTypeOf(entry.Kind), ConfigJson.Options);
            Assert.Equal(example, back);
        }
    }

    private static Type BaseTypeOf(string kind) => kind switch
    {
        "encoding" => typeof(EncodingConfig),
        "activation" => typeof(ActivationConfig),
        "network" => typeof(NetworkConfig),
        "head" => typeof(HeadConfig),
        "schedule" => typeof(ScheduleConfig),
        "entropy" => typeof(EntropyModelConfig),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [InlineData("""{"encoding":{"type":"wavelet"},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"relu"}},"head":{"type":"linear"}}""",
        "unknown encoding type 'wavelet' (known: none, positional, rff, ")]
    [InlineData("""{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":1,"activation":{"type":"relu"}},"head":{"type":"linear"}}""",
        "network 'mlp': missing required field 'width'")]
    [InlineData("""{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":0,"width":8,"activation":{"type":"relu"}},"head":{"type":"linear"}}""",
        "network.hidden_layers must be between 1 and 64, got 0")]
    [InlineData("""{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":1,"width":"wide","activation":{"type":"relu"}},"head":{"type":"linear"}}""",
        "network 'mlp': field 'width' has a value of the wrong kind")]
    [InlineData("""{"encoding":{"type":"none","octaves":3},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"relu"}},"head":{"type":"linear"}}""",
        "encoding 'none': unknown field 'octaves'")]
    [InlineData("""{"encoding":{"octaves":3},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"relu"}},"head":{"type":"linear"}}""",
        "encoding is missing its \"type\" (one of: none, positional, rff, ")]
    [InlineData("""{"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"relu"}},"head":{"type":"linear"}}""",
        "missing required field 'encoding'")]
    [InlineData("""{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"sine","omega0":-1}},"head":{"type":"linear"}}""",
        "network.activation.omega0 must be a positive number, got -1")]
    [InlineData("""{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"relu"}},"head":{"type":"linear"},"training":{"learning_rate":0}}""",
        "training.learning_rate must be a positive number, got 0")]
    [InlineData("""{"encoding":{"type":"none"},""", "invalid JSON")]
    public void Bad_configs_are_rejected_with_a_message_naming_the_problem(string json, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => ConfigJson.Parse(json, "my.json"));
        Assert.StartsWith("my.json: ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("NeuralFields.Schema", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }
}
