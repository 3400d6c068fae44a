using NeuralFields.Core.Training.Steps;

namespace NeuralFields.Core.Training;

/// <summary>What a <see cref="Trainer"/> adds to plain fitting: hooks around every step, extra loss terms, a chosen step.</summary>
public sealed record TrainerOptions
{
    public IReadOnlyList<IStepHook> Hooks { get; init; } = [];

    public IReadOnlyList<ILossTerm> LossTerms { get; init; } = [];

    /// <summary>Multiplier of training.learning_rate per parameter name; null: the model's own (hash tables have their rate).</summary>
    public Func<string, double>? LearningRateScale { get; init; }

    /// <summary>Training settings instead of the model config's (fine-tuning at its own rate); null: the config's.</summary>
    public Schema.Components.TrainingConfig? Training { get; init; }

    /// <summary>Salt of the mini-batch generator, so a second run over the same data (fine-tuning) draws other batches.</summary>
    public long BatchSalt { get; init; }
}
