using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Training;

/// <summary>The learning-rate multiplier at a step (0-based) of a run of <c>total</c> steps.</summary>
public static class LearningRateSchedule
{
    public static double Multiplier(ScheduleConfig schedule, int step, int total) => schedule switch
    {
        ConstantScheduleConfig => 1.0,
        StepScheduleConfig s => Math.Pow(s.Gamma, step / s.Every),
        CosineScheduleConfig c => Cosine(c, step, total),
        _ => throw new ArgumentException($"no schedule for {schedule.GetType().Name}"),
    };

    private static double Cosine(CosineScheduleConfig c, int step, int total)
    {
        if (step < c.WarmupSteps)
            return (step + 1.0) / c.WarmupSteps;
        double span = Math.Max(1, total - c.WarmupSteps);
        double progress = Math.Clamp((step - c.WarmupSteps) / span, 0, 1);
        return c.FinalFraction + (1 - c.FinalFraction) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
