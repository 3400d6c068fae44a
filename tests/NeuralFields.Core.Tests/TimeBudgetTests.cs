using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;

namespace NeuralFields.Core.Tests;

/// <summary>A time budget ends a run at the first step that finishes past it, and the schedule reaches its end with it.</summary>
public class TimeBudgetTests
{
    [Fact]
    public void A_time_budget_stops_the_run_at_the_first_step_past_it()
    {
        var (coordinates, targets, info) = TestSignals.ImageTensors(24);
        Torch.Seed(1);
        var model = new FieldModel(Presets.Load("hashgrid"), info);
        using var trainer = new Trainer(model, coordinates, targets, 1);
        const double budget = 1.5;
        var outcome = trainer.Run(new TrainingRun(1_000_000) { TimeBudget = budget });

        Assert.True(outcome.Steps is > 1 and < 1_000_000);
        var curve = trainer.Curve;                    // full batch: one point per step, with the time it ended
        Assert.True(curve[^1].Seconds >= budget, $"stopped at {curve[^1].Seconds:F3} s");
        Assert.True(curve[^2].Seconds < budget, $"the step before the last ended at {curve[^2].Seconds:F3} s, already past the budget");
    }

    [Fact]
    public void With_a_time_budget_the_cosine_schedule_follows_the_time_used()
    {
        var cosine = new Schema.Components.CosineScheduleConfig { FinalFraction = 0.1 };
        Assert.Equal(1.0, LearningRateSchedule.Multiplier(cosine, 0, 1000, timeProgress: 0.0), 12);
        Assert.Equal(0.55, LearningRateSchedule.Multiplier(cosine, 10, 1000, timeProgress: 0.5), 12);   // half the time: half way down
        Assert.Equal(0.1, LearningRateSchedule.Multiplier(cosine, 10, 1000, timeProgress: 1.0), 12);
        Assert.Equal(LearningRateSchedule.Multiplier(cosine, 500, 1000), LearningRateSchedule.Multiplier(cosine, 500, 1000, timeProgress: 0.1), 12);   // steps ahead of time
    }
}
