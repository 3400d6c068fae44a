using System.Diagnostics;
using NeuralFields.Core.Models;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// Fits a <see cref="FieldModel"/> to coordinate/value pairs with Adam. One dispose scope per step;
/// mini-batches are drawn from a generator seeded by (seed, step), so a resumed run draws the same
/// batches as an uninterrupted one.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly FieldModel _model;
    private readonly Tensor _coordinates;
    private readonly Tensor _targets;
    private readonly TrainingConfig _config;
    private readonly long _seed;
    private readonly Adam _adam;
    private readonly List<CurvePoint> _curve = [];
    private double _secondsBefore;

    public Trainer(FieldModel model, Tensor coordinates, Tensor targets, long seed, Func<string, double>? learningRateScale = null)
    {
        if (coordinates.shape[0] != targets.shape[0])
            throw new ArgumentException("coordinates and targets differ in length");
        _model = model;
        _coordinates = coordinates;
        _targets = targets;
        _config = model.Config.Training;
        _seed = seed;
        var scale = learningRateScale ?? (_ => 1.0);
        _adam = new Adam(model.named_parameters().Select(p => (p.parameter, scale(p.name))),
            _config.Beta1, _config.Beta2, _config.Epsilon);
    }

    public FieldModel Model => _model;

    public Adam Optimizer => _adam;

    /// <summary>Steps completed, including those before a resume.</summary>
    public int CompletedSteps => (int)_adam.Step;

    public IReadOnlyList<CurvePoint> Curve => _curve;

    public double Seconds => _secondsBefore;

    /// <summary>Continues from a checkpoint's counters (its weights and moments are already loaded).</summary>
    public void RestoreProgress(IEnumerable<CurvePoint> curve, double seconds)
    {
        _curve.Clear();
        _curve.AddRange(curve);
        _secondsBefore = seconds;
    }

    /// <summary>
    /// Trains until <paramref name="totalSteps"/> steps are done in all, or the full-signal PSNR reaches
    /// <paramref name="targetPsnr"/>, or <paramref name="cancel"/> fires. The learning-rate schedule
    /// spans <paramref name="totalSteps"/>; <paramref name="pauseAt"/> stops earlier on the same schedule
    /// (to checkpoint mid-run).
    /// </summary>
    public TrainingOutcome Run(int totalSteps, double? targetPsnr = null, ITrainingObserver? observer = null,
        CancellationToken cancel = default, int? pauseAt = null)
    {
        int stopAt = Math.Min(totalSteps, pauseAt ?? totalSteps);
        long n = _coordinates.shape[0];
        long batch = _config.BatchSize == 0 || _config.BatchSize >= n ? n : _config.BatchSize;
        bool fullBatch = batch == n;
        var clock = Stopwatch.StartNew();
        double secondsAtStart = _secondsBefore;
        long samples = 0;
        double psnr = _curve.Count > 0 ? _curve[^1].Psnr : double.NaN;
        bool reached = false;
        _model.train();

        while (CompletedSteps < stopAt && !cancel.IsCancellationRequested)
        {
            int step = CompletedSteps;
            double loss;
            using (var scope = NewDisposeScope())
            {
                var (x, y) = fullBatch ? (_coordinates, _targets) : SampleBatch(step, n, batch);
                _adam.ZeroGrad();
                var raw = _model.forward(x);
                var lossTensor = _model.Head.Loss(raw, y);
                lossTensor.backward();
                _adam.Update(_config.LearningRate * LearningRateSchedule.Multiplier(_config.Schedule, step, totalSteps));
                loss = lossTensor.item<float>();
            }
            samples += batch;
            int done = CompletedSteps;
            bool last = done == stopAt;
            bool evaluate = last || done % _config.EvalEvery == 0 || (targetPsnr.HasValue && fullBatch && _model.Head.LossIsMse);
            if (fullBatch && _model.Head.LossIsMse)
                psnr = Metrics.Psnr.FromMse(loss);   // the loss of this step's weights before the update: free and exact
            else if (evaluate)
                psnr = Evaluate();
            double elapsed = secondsAtStart + clock.Elapsed.TotalSeconds;
            if (evaluate || fullBatch)
                _curve.Add(new CurvePoint(done, psnr, elapsed));
            observer?.OnStep(new TrainingProgress(done, totalSteps, loss, psnr, TimeSpan.FromSeconds(elapsed)));
            if (targetPsnr.HasValue && evaluate && psnr >= targetPsnr.Value)
            {
                reached = true;
                break;
            }
        }
        _secondsBefore = secondsAtStart + clock.Elapsed.TotalSeconds;
        return new TrainingOutcome(CompletedSteps, psnr, _secondsBefore - secondsAtStart, samples, reached);
    }

    /// <summary>Full-signal PSNR of the current weights (values in [0,1]).</summary>
    public double Evaluate()
    {
        using var predicted = _model.Predict(_coordinates);
        using var mse = nn.functional.mse_loss(predicted, _targets);
        _model.train();
        return Metrics.Psnr.FromMse(mse.item<float>());
    }

    private (Tensor X, Tensor Y) SampleBatch(int step, long n, long batch)
    {
        using var generator = new Generator(unchecked((ulong)(_seed * 1_000_003 + step)));
        var index = randint(n, [batch], generator: generator);
        return (_coordinates.index_select(0, index), _targets.index_select(0, index));
    }

    public void Dispose() => _adam.Dispose();
}
