using System.Diagnostics;
using NeuralFields.Core.Heads;
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
    private readonly List<BitErrorPoint> _bitErrors = [];
    private Tensor? _targetIntegers;
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
        var scale = learningRateScale ?? model.LearningRateScale;
        _adam = new Adam(model.named_parameters().Select(p => (p.parameter, scale(p.name))),
            _config.Beta1, _config.Beta2, _config.Epsilon);
    }

    public FieldModel Model => _model;

    public Adam Optimizer => _adam;

    /// <summary>Steps completed, including those before a resume.</summary>
    public int CompletedSteps => (int)_adam.Step;

    public IReadOnlyList<CurvePoint> Curve => _curve;

    /// <summary>Bit error rate per plane against step, measured for bit-plane heads and lossless runs.</summary>
    public IReadOnlyList<BitErrorPoint> BitErrors => _bitErrors;

    public double Seconds => _secondsBefore;

    /// <summary>Continues from a checkpoint's counters (its weights and moments are already loaded).</summary>
    public void RestoreProgress(IEnumerable<CurvePoint> curve, double seconds, IEnumerable<BitErrorPoint>? bitErrors = null)
    {
        _curve.Clear();
        _curve.AddRange(curve);
        _bitErrors.Clear();
        _bitErrors.AddRange(bitErrors ?? []);
        _secondsBefore = seconds;
    }

    /// <summary>
    /// Trains until <paramref name="totalSteps"/> steps are done in all, or the full-signal PSNR reaches
    /// <paramref name="targetPsnr"/>, or <paramref name="cancel"/> fires. The learning-rate schedule
    /// spans <paramref name="totalSteps"/>; <paramref name="pauseAt"/> stops earlier on the same schedule
    /// (to checkpoint mid-run). With <paramref name="untilLossless"/> it stops at the first check (every
    /// training.eval_every steps) where the rounded output equals every integer sample of the target.
    /// </summary>
    public TrainingOutcome Run(int totalSteps, double? targetPsnr = null, ITrainingObserver? observer = null,
        CancellationToken cancel = default, int? pauseAt = null, bool untilLossless = false)
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
        // Bits are checked for bit-plane heads, and for any head (its values rounded) in a lossless run.
        bool trackBits = untilLossless || _model.Head is BitPlaneHead;
        if (trackBits)
            _targetIntegers ??= BitPlanes.Quantize(_targets, _model.Signal.BitDepth).DetachFromDisposeScope();
        _model.train();

        while (CompletedSteps < stopAt && !cancel.IsCancellationRequested)
        {
            int step = CompletedSteps;
            double loss;
            bool checkedBits = false, exact = false;
            using (var scope = NewDisposeScope())
            {
                var (x, y) = fullBatch ? (_coordinates, _targets) : SampleBatch(step, n, batch);
                _adam.ZeroGrad();
                var raw = _model.forward(x);
                var lossTensor = _model.Head.Loss(raw, y);
                if (trackBits && fullBatch && step % _config.EvalEvery == 0)
                {
                    // Full batch: this step's outputs cover every sample, so the bits of its weights come free.
                    exact = CheckBits(raw, step, secondsAtStart + clock.Elapsed.TotalSeconds, confirm: untilLossless);
                    checkedBits = true;
                }
                bool stopHere = exact && untilLossless;
                if (fullBatch && !_model.Head.LossIsMse && (stopHere || step + 1 == stopAt || (step + 1) % _config.EvalEvery == 0))
                    psnr = ValuePsnr(raw, y);   // of this step's weights before the update, as for MSE losses
                if (!stopHere)
                {
                    lossTensor.backward();
                    _adam.Update(_config.LearningRate * LearningRateSchedule.Multiplier(_config.Schedule, step, totalSteps));
                }
                loss = lossTensor.item<float>();
            }
            if (exact && untilLossless)
            {
                // These weights decode every sample exactly: keep them rather than take one more step.
                double at = secondsAtStart + clock.Elapsed.TotalSeconds;
                _curve.Add(new CurvePoint(step, psnr, at));
                observer?.OnStep(new TrainingProgress(step, totalSteps, loss, psnr, TimeSpan.FromSeconds(at)) { BitErrorRates = _bitErrors[^1].Rates });
                reached = true;
                break;
            }
            samples += batch;
            int done = CompletedSteps;
            bool last = done == stopAt;
            bool evaluate = last || done % _config.EvalEvery == 0 || (targetPsnr.HasValue && fullBatch && _model.Head.LossIsMse);
            if (fullBatch && _model.Head.LossIsMse)
                psnr = Metrics.Psnr.FromMse(loss);   // the loss of this step's weights before the update: free and exact
            else if (evaluate && !fullBatch)
                psnr = Evaluate();
            if (trackBits && !fullBatch && evaluate)
            {
                exact = CheckBits(null, done, secondsAtStart + clock.Elapsed.TotalSeconds, confirm: false);
                checkedBits = true;
            }
            double elapsed = secondsAtStart + clock.Elapsed.TotalSeconds;
            if (evaluate || fullBatch)
                _curve.Add(new CurvePoint(done, psnr, elapsed));
            observer?.OnStep(new TrainingProgress(done, totalSteps, loss, psnr, TimeSpan.FromSeconds(elapsed))
                { BitErrorRates = checkedBits ? _bitErrors[^1].Rates : null });
            if ((targetPsnr.HasValue && evaluate && psnr >= targetPsnr.Value) || (exact && untilLossless))
            {
                reached = true;
                break;
            }
        }
        // Full-batch checks look before each update, so the weights of the last one are checked here.
        if (trackBits && !reached && !cancel.IsCancellationRequested && (_bitErrors.Count == 0 || _bitErrors[^1].Step != CompletedSteps))
            reached = CheckBits(null, CompletedSteps, secondsAtStart + clock.Elapsed.TotalSeconds, confirm: false) && untilLossless;
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

    /// <summary>
    /// Records the bit error rate per plane of the weights after <paramref name="step"/> steps, from this
    /// step's full-batch outputs or (null) a prediction; true when every sample is exact. A free check
    /// that finds no error is <paramref name="confirm"/>ed by the chunked prediction the decoder uses.
    /// </summary>
    private bool CheckBits(Tensor? raw, int step, double seconds, bool confirm)
    {
        var rates = BitErrorRates(raw);
        if (raw is not null && confirm && rates.All(r => r == 0))
            rates = BitErrorRates(null);
        var point = new BitErrorPoint(step, rates, seconds);
        _bitErrors.Add(point);
        return point.Exact;
    }

    private double[] BitErrorRates(Tensor? raw)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var values = raw is null ? _model.Predict(_coordinates) : _model.Head.Values(raw);
        if (raw is null) _model.train();
        var predicted = BitPlanes.Quantize(values, _model.Signal.BitDepth);
        return Metrics.BitErrorRate.PerPlane(predicted, _targetIntegers!, _model.Signal.BitDepth);
    }

    private double ValuePsnr(Tensor raw, Tensor target)
    {
        using var _ = no_grad();
        using var values = _model.Head.Values(raw);
        using var mse = nn.functional.mse_loss(values, target);
        return Metrics.Psnr.FromMse(mse.item<float>());
    }

    private (Tensor X, Tensor Y) SampleBatch(int step, long n, long batch)
    {
        using var generator = new Generator(unchecked((ulong)(_seed * 1_000_003 + step)));
        var index = randint(n, [batch], generator: generator);
        return (_coordinates.index_select(0, index), _targets.index_select(0, index));
    }

    public void Dispose()
    {
        _adam.Dispose();
        _targetIntegers?.Dispose();
    }
}
