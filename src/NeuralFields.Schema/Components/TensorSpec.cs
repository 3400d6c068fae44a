namespace NeuralFields.Schema.Components;

/// <summary>What a stored tensor is for.</summary>
public enum TensorRole
{
    /// <summary>Trained: a checkpoint keeps it and a neural file stores it (quantised).</summary>
    Parameter,

    /// <summary>Fixed by the config (frequencies, a random basis): rebuilt from it wherever it is needed; checkpoints keep a copy.</summary>
    Constant,

    /// <summary>Fixed once from the training coordinates before training (a normalisation): checkpoints keep it.</summary>
    Calibration,

    /// <summary>Counts training progress (a coarse-to-fine schedule): checkpoints keep it.</summary>
    Counter,
}

/// <summary>
/// A tensor a component holds: its name (inside the component; the model prefixes "encoding." or
/// "network."), its shape and its role. These names are the TorchSharp modules' state_dict keys, the neural
/// file's tensor names and what the kernels are handed, so they are written here and nowhere else.
/// </summary>
public sealed record TensorSpec(string Name, int[] Shape, TensorRole Role = TensorRole.Parameter)
{
    public long Elements => Shape.Aggregate(1L, (a, d) => a * d);

    public TensorSpec Prefixed(string prefix) => this with { Name = $"{prefix}.{Name}" };

    public bool Equals(TensorSpec? other) =>
        other is not null && Name == other.Name && Role == other.Role && Shape.SequenceEqual(other.Shape);

    public override int GetHashCode() => HashCode.Combine(Name, Role, Shape.Length);

    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}] ({Role.ToString().ToLowerInvariant()})";
}

/// <summary>The names every backend shares for the tensors of a linear layer.</summary>
public static class LinearLayer
{
    /// <summary>Weight [outputs, inputs] and bias [outputs] of a linear layer called <paramref name="name"/>, as TorchSharp's nn.Linear holds them.</summary>
    public static TensorSpec[] Tensors(string name, int inputs, int outputs) =>
        [new($"{name}.weight", [outputs, inputs]), new($"{name}.bias", [outputs])];

    public static string Weight(string name) => $"{name}.weight";

    public static string Bias(string name) => $"{name}.bias";
}
