namespace NeuralFields.Schema.Components;

/// <summary>
/// Base of every configurable component. The JSON form carries a "type" name that the
/// <see cref="ComponentRegistry"/> maps to the concrete config class.
/// </summary>
public abstract record ComponentConfig
{
    /// <summary>Throws <see cref="ConfigException"/> naming <paramref name="path"/> when a value is out of range.</summary>
    public virtual void Validate(string path) { }

    protected static void Require(bool condition, string path, string field, string rule, object? actual)
    {
        if (!condition)
            throw new ConfigException($"{path}.{field} {rule}, got {Format(actual)}");
    }

    /// <summary>
    /// A positive number from <paramref name="min"/> to <paramref name="max"/>: NaN, infinities and absurd
    /// magnitudes (a learning rate of 1e300, ω0 = 1e39) are refused here rather than training to NaN.
    /// </summary>
    protected static void RequirePositive(double value, string path, string field, double max, double min = double.Epsilon)
    {
        Require(value > 0, path, field, "must be a positive number", value);
        Require(value >= min, path, field, $"must not be below {min.ToString("G", System.Globalization.CultureInfo.InvariantCulture)}", value);
        Require(value <= max, path, field, $"must not be above {max.ToString("G", System.Globalization.CultureInfo.InvariantCulture)}", value);
    }

    private static string Format(object? value) => value switch
    {
        null => "nothing",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>Maps coordinates in [-1,1]^d to features.</summary>
public abstract record EncodingConfig : ComponentConfig;

/// <summary>The nonlinearity of a network's hidden layers; owns its weight initialisation.</summary>
public abstract record ActivationConfig : ComponentConfig;

/// <summary>The trainable body between encoding and head.</summary>
public abstract record NetworkConfig : ComponentConfig;

/// <summary>Turns raw network outputs into signal values (and defines the loss).</summary>
public abstract record HeadConfig : ComponentConfig;

/// <summary>Learning rate as a function of the step.</summary>
public abstract record ScheduleConfig : ComponentConfig;
