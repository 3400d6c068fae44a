namespace NeuralFields.Core.Training;

/// <summary>
/// What one call of <see cref="Trainer.Run"/> is asked to do: how long (steps and/or seconds, counted over
/// the whole run including what came before a resume), and which results end it early.
/// </summary>
/// <param name="TotalSteps">Steps in all; the learning-rate schedule spans them (unless a time budget ends first).</param>
public sealed record TrainingRun(int TotalSteps)
{
    /// <summary>Stop as soon as the full-signal PSNR reaches this many dB.</summary>
    public double? TargetPsnr { get; init; }

    /// <summary>Stop at the first check where every integer sample decodes exactly (bit-plane heads, or rounded values).</summary>
    public bool UntilLossless { get; init; }

    /// <summary>Stop after this many steps in all while keeping the schedule of <see cref="TotalSteps"/> (to checkpoint mid-run).</summary>
    public int? PauseAt { get; init; }

    /// <summary>Seconds of training in all; the schedule then follows whichever of steps and time runs out first.</summary>
    public double? TimeBudget { get; init; }

    /// <summary>
    /// The caller measures the last weights on every sample itself (a fit's reconstruction does, in the same pass that
    /// renders it): the trainer then skips its own last full evaluation, and its last curve point holds the subset
    /// estimate until <see cref="Trainer.RecordFinalPsnr"/>.
    /// </summary>
    public bool LastMeasuredByCaller { get; init; }

    internal int StopAt => Math.Min(TotalSteps, PauseAt ?? TotalSteps);

    /// <summary>The share of the time budget used after <paramref name="seconds"/>; null without a budget.</summary>
    internal double? TimeProgress(double seconds) => TimeBudget is double budget ? Math.Min(1, seconds / budget) : null;

    /// <summary>True once the steps, the pause point or the time budget are used up.</summary>
    internal bool Exhausted(int completedSteps, double seconds) =>
        completedSteps >= StopAt || (TimeBudget is double budget && seconds >= budget);
}
