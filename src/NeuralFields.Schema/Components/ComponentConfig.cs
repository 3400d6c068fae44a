namespace NeuralFields.Schema.Components;

/// <summary>
/// Base of every configurable component. The JSON form carries a "type" name that the
/// <see cref="ComponentRegistry"/> maps to the concrete config class.
/// </summary>
public abstract record ComponentConfig
{
    /// <summary>Throws <see cref="ConfigException"/> naming <paramref name="path"/> when a value is out of range.</summary>
    public virtual void Validate(string path) { }

    /// <summary>Components nested in this one (an inner encoding, an activation), for walking a config.</summary>
    public virtual IEnumerable<ComponentConfig> Children() => [];

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
public abstract record EncodingConfig : ComponentConfig
{
    /// <summary>Features per coordinate of <paramref name="inputDims"/> dimensions.</summary>
    public abstract int OutputDims(int inputDims);

    /// <summary>The tensors the encoding holds for coordinates of <paramref name="inputDims"/> dimensions, named inside it.</summary>
    public virtual IReadOnlyList<TensorSpec> Tensors(int inputDims) => [];

    /// <summary>The encoding for a signal of these dimensions (slowest first): sizes left open (a latent grid's resolution) take the signal's.</summary>
    public virtual EncodingConfig ForSignal(IReadOnlyList<int> dimensions) => this;
}

/// <summary>The nonlinearity of a network's hidden layers; owns its weight initialisation.</summary>
public abstract record ActivationConfig : ComponentConfig;

/// <summary>The trainable body between encoding and head.</summary>
public abstract record NetworkConfig : ComponentConfig
{
    /// <summary>The tensors of a network from <paramref name="inputs"/> features to <paramref name="outputs"/> raw outputs, named inside it.</summary>
    public abstract IReadOnlyList<TensorSpec> Tensors(int inputs, int outputs);
}

/// <summary>Turns raw network outputs into signal values (and defines the loss).</summary>
public abstract record HeadConfig : ComponentConfig
{
    /// <summary>Raw outputs per sample for a signal of this many channels and bits (over all its queries).</summary>
    public virtual int RawOutputs(int channels, int bitDepth) => channels;

    /// <summary>Coordinates the head adds to every query (the bit index of the paper's bit-plane form).</summary>
    public virtual int ExtraCoordinates() => 0;

    /// <summary>Network queries per sample: 1, or n when each of n bit planes is its own query.</summary>
    public virtual int QueriesPerSample(int bitDepth) => 1;
}

/// <summary>Learning rate as a function of the step.</summary>
public abstract record ScheduleConfig : ComponentConfig;
