namespace NeuralFields.Schema.Components;

/// <summary>The same learning rate at every step.</summary>
public sealed record ConstantScheduleConfig : ScheduleConfig;

/// <summary>Multiply the learning rate by <see cref="Gamma"/> every <see cref="Every"/> steps.</summary>
public sealed record StepScheduleConfig : ScheduleConfig
{
    public required int Every { get; init; }
    public double Gamma { get; init; } = 0.5;

    public override void Validate(string path)
    {
        Require(Every >= 1, path, "every", "must be at least 1", Every);
        Require(Gamma is > 0 and <= 1, path, "gamma", "must be in (0, 1]", Gamma);
    }
}

/// <summary>Cosine decay from the base rate to base × <see cref="FinalFraction"/> over the run, after a linear warm-up.</summary>
public sealed record CosineScheduleConfig : ScheduleConfig
{
    public double FinalFraction { get; init; } = 0.01;
    public int WarmupSteps { get; init; }

    public override void Validate(string path)
    {
        Require(FinalFraction is >= 0 and <= 1, path, "final_fraction", "must be in [0, 1]", FinalFraction);
        Require(WarmupSteps >= 0, path, "warmup_steps", "must not be negative", WarmupSteps);
    }
}
