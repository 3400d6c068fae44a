using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Training;

/// <summary>The learning-rate multiplier at a step (0-based) of a run of <c>total</c> steps.</summary>
public static class LearningRateSchedule
{
    /// <param name="timeProgress">
    /// With a time budget: the share of it used, in [0, 1]. Decays then follow whichever of steps and time
    /// runs out first, so a run cut short by its budget still ends at the schedule's final rate.
    /// </param>
    public static double Multiplier(ScheduleConfig schedule, int step, int total, double? timeProgress = null) => schedule switch
    {
        ConstantScheduleConfig => 1.0,
        StepScheduleConfig s => Math.Pow(s.Gamma, step / s.Every),
        CosineScheduleConfig c => Cosine(c, step, total, timeProgress),
        _ => throw new ArgumentException($"no schedule for {schedule.GetType().Name}"),
    };

    private static double Cosine(CosineScheduleConfig c, int step, int total, double? timeProgress)
    {
        if (step < c.WarmupSteps)
            return (step + 1.0) / c.WarmupSteps;
        double span = Math.Max(1, total - c.WarmupSteps);
        double progress = Math.Clamp((step - c.WarmupSteps) / span, 0, 1);
        if (timeProgress is double t)
            progress = Math.Max(progress, Math.Clamp(t, 0, 1));
        return c.FinalFraction + (1 - c.FinalFraction) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
