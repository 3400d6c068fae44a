namespace NeuralFields.Schema.Components;

/// <summary>How a field is fitted: Adam, a learning-rate schedule, batch size and stopping rule.</summary>
public sealed record TrainingConfig
{
    public double LearningRate { get; init; } = 1e-4;
    public int Steps { get; init; } = 1000;
    /// <summary>Samples per step; 0 means the full signal every step.</summary>
    public int BatchSize { get; init; }
    public ScheduleConfig Schedule { get; init; } = new ConstantScheduleConfig();
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>Full-signal PSNR is measured every this many steps (mini-batch runs) and at the end.</summary>
    public int EvalEvery { get; init; } = 50;
    /// <summary>
    /// Which training step computes the gradients: "torch" (TorchSharp autograd, the reference), "fused" (the fused
    /// CPU step; refused when the model has a component it does not compute) or "auto" (fused where it computes every
    /// component, torch otherwise). Null, the default, means "auto".
    /// </summary>
    public string? Implementation { get; init; }

    /// <summary>The names <see cref="Implementation"/> takes.</summary>
    public static readonly IReadOnlyList<string> Implementations = ["torch", "fused", "auto"];

    /// <summary><see cref="Implementation"/> with its default filled in.</summary>
    public string ImplementationOrDefault => Implementation ?? "auto";

    /// <summary>Adam on values in [0, 1] diverges long before this.</summary>
    public const double MaxLearningRate = 1;

    public void Validate(string path)
    {
        static void Require(bool ok, string msg) { if (!ok) throw new ConfigException(msg); }
        Require(LearningRate > 0, $"{path}.learning_rate must be a positive number, got {Text(LearningRate)}");
        Require(LearningRate <= MaxLearningRate, $"{path}.learning_rate must not be above {MaxLearningRate}, got {Text(LearningRate)}");
        Require(Steps >= 1, $"{path}.steps must be at least 1, got {Steps}");
        Require(BatchSize >= 0, $"{path}.batch_size must be 0 (full batch) or positive, got {BatchSize}");
        Require(Beta1 is >= 0 and < 1, $"{path}.beta1 must be in [0, 1), got {Text(Beta1)}");
        Require(Beta2 is >= 0 and < 1, $"{path}.beta2 must be in [0, 1), got {Text(Beta2)}");
        Require(Epsilon is > 0 and <= 1, $"{path}.epsilon must be in (0, 1], got {Text(Epsilon)}");
        Require(EvalEvery >= 1, $"{path}.eval_every must be at least 1, got {EvalEvery}");
        Require(Implementation is null || Implementations.Contains(Implementation),
            $"{path}.implementation must be \"torch\", \"fused\" or \"auto\", got \"{Implementation}\"");
        Schedule.Validate(path + ".schedule");
    }

    private static string Text(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
