using System.Diagnostics;
using NeuralFields.Codec.Format;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Quantization;

/// <summary>
/// Quantisation-aware fine-tuning with straight-through rounding (as ANI and Strümpler et al. do for low
/// bit widths): each step swaps every stored parameter for its quantised value (the
/// <see cref="UniformQuantizer"/> round trip the file will hold), computes the loss and gradients
/// there, restores the float weights and lets Adam update them with those gradients, so rounding acts
/// as the identity for the gradient. The float weights whose quantised copy had the lowest loss are
/// kept: the step's loss is exactly the loss of the model the file would hold.
/// </summary>
public static class QuantizationAwareTraining
{
    public sealed record Outcome(int Steps, double BestLoss, int BestStep, double Seconds);

    public static Outcome FineTune(FieldModel model, Tensor coordinates, Tensor targets, QuantizationPlan plan, int steps,
        double learningRate, long seed, Action<int, double>? onStep = null, CancellationToken cancel = default)
    {
        var training = model.Config.Training;
        var stored = ModelTensors.Of(model);
        using var adam = new Adam(model.named_parameters().Select(p => (p.parameter, model.LearningRateScale(p.name))),
            training.Beta1, training.Beta2, training.Epsilon);
        long n = coordinates.shape[0];
        long batch = training.BatchSize == 0 || training.BatchSize >= n ? n : training.BatchSize;
        var best = stored.Select(t => ModelTensors.Values(t.Parameter)).ToArray();
        double bestLoss = double.PositiveInfinity;
        int bestStep = 0, done = 0;
        var clock = Stopwatch.StartNew();
        model.train();
        for (int step = 0; step < steps && !cancel.IsCancellationRequested; step++)
        {
            using var scope = NewDisposeScope();
            var masters = stored.Select(t => ModelTensors.Values(t.Parameter)).ToArray();
            using (no_grad())
                for (int i = 0; i < stored.Count; i++)
                {
                    var (name, shape, parameter) = stored[i];
                    var (bits, granularity) = plan.For(name, shape, ModelTensors.OutputLayer(model));
                    parameter.copy_(tensor(UniformQuantizer.RoundTrip(name, shape, masters[i], bits, granularity)).reshape(parameter.shape));
                }
            var (x, y) = batch == n ? (coordinates, targets) : Batch(coordinates, targets, seed, step, n, batch);
            adam.ZeroGrad();
            var loss = model.Head.Loss(model.forward(x), y);
            loss.backward();
            double value = loss.item<float>();
            if (value < bestLoss)
            {
                (bestLoss, bestStep) = (value, step);
                best = masters;
            }
            using (no_grad())
                for (int i = 0; i < stored.Count; i++)
                    stored[i].Parameter.copy_(tensor(masters[i]).reshape(stored[i].Parameter.shape));
            adam.Update(learningRate);
            done = step + 1;
            if (done % Compression.FieldCompressor.GarbageEvery == 0) Compression.FieldCompressor.CollectGarbage();   // see FieldCompressor.Rescaled
            onStep?.Invoke(done, value);
        }
        using (no_grad())
            for (int i = 0; i < stored.Count; i++)
                stored[i].Parameter.copy_(tensor(best[i]).reshape(stored[i].Parameter.shape));
        return new Outcome(done, bestLoss, bestStep, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Mini-batches from a generator seeded by (seed, step), as the trainer draws them.</summary>
    private static (Tensor X, Tensor Y) Batch(Tensor coordinates, Tensor targets, long seed, int step, long n, long batch)
    {
        using var generator = new Generator(unchecked((ulong)(seed * 1_000_003 + 7_919 + step)));
        var index = randint(n, [batch], generator: generator);
        return (coordinates.index_select(0, index), targets.index_select(0, index));
    }
}
