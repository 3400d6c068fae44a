using NeuralFields.Codec.Format;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Steps;
using NeuralFields.Schema.Components;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Quantization;

/// <summary>
/// Quantisation-aware fine-tuning with straight-through rounding (as ANI and Strümpler et al. do for low bit
/// widths), as a hook of the one <see cref="Trainer"/>: before each step every stored parameter is swapped
/// for its quantised value (the <see cref="UniformQuantizer"/> round trip the file will hold), the loss and
/// gradients are computed there, then the float weights come back and Adam updates them with those
/// gradients, so rounding acts as the identity for the gradient. The float weights whose quantised copy had
/// the lowest loss are kept: a step's loss is exactly the loss of the model the file would hold.
/// </summary>
public sealed class QuantizationAwareTraining(FieldModel model, QuantizationPlan plan) : IStepHook
{
    /// <summary>Salt of the fine-tuning's mini-batches, so they differ from the training run's.</summary>
    public const long BatchSalt = 7_919;

    private readonly IReadOnlyList<(string Name, int[] Shape, Parameter Parameter)> _stored = ModelTensors.Of(model);
    private float[][]? _masters;
    private float[][]? _best;

    public double BestLoss { get; private set; } = double.PositiveInfinity;

    public int BestStep { get; private set; }

    /// <summary>Fine-tunes <paramref name="model"/> for <paramref name="steps"/> steps at a constant <paramref name="learningRate"/>.</summary>
    public static TrainingOutcome FineTune(FieldModel model, Tensor coordinates, Tensor targets, QuantizationPlan plan, int steps,
        double learningRate, long seed, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var hook = new QuantizationAwareTraining(model, plan);
        var training = model.Config.Training with { LearningRate = learningRate, Schedule = new ConstantScheduleConfig() };
        using var trainer = new Trainer(model, coordinates, targets, seed, new TrainerOptions { Hooks = [hook], Training = training, BatchSalt = BatchSalt });
        return trainer.Run(new TrainingRun(steps), observer, cancel);
    }

    public void BeforeCompute(int stepIndex)
    {
        _masters = _stored.Select(t => ModelTensors.Values(t.Parameter)).ToArray();
        _best ??= _masters;
        int outputLayer = ModelTensors.OutputLayer(model);
        using var _ = no_grad();
        for (int i = 0; i < _stored.Count; i++)
        {
            var (name, shape, parameter) = _stored[i];
            var (bits, granularity) = plan.For(name, shape, outputLayer);
            using var quantised = tensor(UniformQuantizer.RoundTrip(name, shape, _masters[i], bits, granularity)).reshape(parameter.shape);
            parameter.copy_(quantised);
        }
    }

    public void AfterCompute(int stepIndex, double loss)
    {
        if (loss < BestLoss)
            (BestLoss, BestStep, _best) = (loss, stepIndex, _masters);
        Load(_masters!);
    }

    public void AfterRun()
    {
        if (_best is not null) Load(_best);
    }

    private void Load(float[][] values)
    {
        using var _ = no_grad();
        for (int i = 0; i < _stored.Count; i++)
        {
            using var source = tensor(values[i]).reshape(_stored[i].Parameter.shape);
            _stored[i].Parameter.copy_(source);
        }
    }
}
