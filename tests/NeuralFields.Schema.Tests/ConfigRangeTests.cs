using System.Reflection;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Schema.Serialization;

namespace NeuralFields.Schema.Tests;

/// <summary>
/// Every numeric field of every registered component (and of training) refuses values no run can
/// use: NaN, infinities and absurd magnitudes are one <see cref="ConfigException"/> at parse time.
/// </summary>
public sealed class ConfigRangeTests
{
    private static readonly double[] Absurd = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, -1e300];

    /// <summary>(component, field) for every double field of every registered example, and of training.</summary>
    public static TheoryData<string, string> DoubleFields()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in ComponentRegistry.All)
            foreach (var p in Fields(entry.ConfigType, typeof(double), typeof(double?)))
                data.Add(entry.Name, p.Name);
        foreach (var p in Fields(typeof(TrainingConfig), typeof(double)))
            data.Add("training", p.Name);
        return data;
    }

    public static TheoryData<string, string> IntFields()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in ComponentRegistry.All)
            foreach (var p in Fields(entry.ConfigType, typeof(int)))
                data.Add(entry.Name, p.Name);
        foreach (var p in Fields(typeof(TrainingConfig), typeof(int)))
            data.Add("training", p.Name);
        return data;
    }

    private static IEnumerable<PropertyInfo> Fields(Type type, params Type[] types) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && types.Contains(p.PropertyType));

    /// <summary>A valid instance (the registry's example) with one field set by reflection, validated as a parse would.</summary>
    private static void Validate(string component, string field, object value)
    {
        if (component == "training")
        {
            var training = new TrainingConfig();
            typeof(TrainingConfig).GetProperty(field)!.SetValue(training, value);
            training.Validate("training");
            return;
        }
        var entry = ComponentRegistry.All.Single(e => e.Name == component);
        var example = entry.Example();
        example.Validate(entry.Kind);                                   // the example itself is valid
        entry.ConfigType.GetProperty(field)!.SetValue(example, value);
        example.Validate(entry.Kind);
    }

    [Theory]
    [MemberData(nameof(DoubleFields))]
    public void Non_finite_and_absurd_doubles_are_refused(string component, string field)
    {
        foreach (var value in Absurd)
        {
            var error = Assert.Throws<ConfigException>(() => Validate(component, field, value));
            Assert.DoesNotContain("\n", error.Message);
        }
    }

    [Theory]
    [MemberData(nameof(IntFields))]
    public void Hugely_negative_integers_are_refused(string component, string field) =>
        Assert.Throws<ConfigException>(() => Validate(component, field, int.MinValue));

    [Theory]
    [InlineData("""{"learning_rate":1e300}""", "training.learning_rate must not be above 1, got 1E+300")]
    [InlineData("""{"learning_rate":1e-3,"epsilon":1e300}""", "training.epsilon must be in (0, 1], got 1E+300")]
    public void Absurd_training_numbers_in_json_name_the_field(string training, string expected)
    {
        var json = $$$"""{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"sine","omega0":30}},"head":{"type":"linear"},"training":{{{training}}}}""";
        var error = Assert.Throws<ConfigException>(() => ConfigJson.Parse(json, "my.json"));
        Assert.Equal($"my.json: {expected}", error.Message);
    }

    [Fact]
    public void An_omega0_of_1e39_is_refused()
    {
        var json = """{"encoding":{"type":"none"},"network":{"type":"mlp","hidden_layers":1,"width":8,"activation":{"type":"sine","omega0":1e39}},"head":{"type":"linear"}}""";
        Assert.Contains("network.activation.omega0 must not be above 100000, got 1E+39", Assert.Throws<ConfigException>(() => ConfigJson.Parse(json)).Message);
    }
}
