namespace NeuralFields.Core.Training;

/// <summary>One step's report. <see cref="Psnr"/> is the full-signal PSNR when measured at this step, else the batch estimate.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double Psnr, TimeSpan Elapsed)
{
    /// <summary>Bit error rate per plane (index i = bit i, 0 = LSB) when bits were checked at this step, else null.</summary>
    public IReadOnlyList<double>? BitErrorRates { get; init; }

    /// <summary>True when <see cref="Psnr"/> was measured on the fixed evaluation subset of a mini-batch run, not on every sample.</summary>
    public bool PsnrOnSubset { get; init; }

    /// <summary>A codec's estimated rate in bits per grid point (image: bpp) at this step, when it has one.</summary>
    public double? BitsPerPoint { get; init; }
}

/// <summary>Receives progress; the CLI draws a bar, libraries never print.</summary>
public interface ITrainingObserver
{
    void OnStep(TrainingProgress progress);
}

/// <summary>A point of the PSNR-against-step curve.</summary>
public sealed record CurvePoint(int Step, double Psnr, double Seconds)
{
    /// <summary>Measured on the evaluation subset of a mini-batch run (an estimate), not on every sample.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Subset { get; init; }
}

/// <summary>What a run did.</summary>
public sealed record TrainingOutcome(int Steps, double Psnr, double Seconds, long SamplesSeen, bool ReachedTarget)
{
    public double SamplesPerSecond => Seconds > 0 ? SamplesSeen / Seconds : 0;
}
