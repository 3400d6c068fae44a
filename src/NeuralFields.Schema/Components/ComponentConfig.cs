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
