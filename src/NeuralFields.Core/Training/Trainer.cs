using System.Diagnostics;
using NeuralFields.Core.Heads;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training.Samples;
using NeuralFields.Core.Training.Steps;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// The one training loop: fits a <see cref="FieldModel"/> to coordinate/value pairs with Adam. Each step draws
/// a batch (the whole signal, or random samples from a generator seeded by (seed, step), so a resumed run draws
/// the batches an uninterrupted one would), runs the <see cref="ITrainingStep"/> with the hooks around it and
/// updates at the scheduled rate. What is measured when is the <see cref="EvaluationSchedule"/>'s business; when
/// to stop is the <see cref="TrainingRun"/>'s.
/// </summary>
public sealed class Trainer : IDisposable
{
    private readonly FieldModel _model;
    private readonly ITrainingSamples _samples;
    private readonly TrainingConfig _config;
    private readonly TrainerOptions _options;
    private readonly long _seed;
    private readonly Adam _adam;
    private readonly ITrainingStep _step;
    private readonly List<CurvePoint> _curve = [];
    private readonly List<BitErrorPoint> _restoredBitErrors = [];
    private readonly bool _ownsSamples;
    private BitTracker? _bits;
    private Tensor? _subset;
    private double _secondsBefore;

    /// <summary>Trains on every row of <paramref name="coordinates"/> [N, dims] and <paramref name="targets"/> [N, channels] (the caller keeps them).</summary>
    public Trainer(FieldModel model, Tensor coordinates, Tensor targets, long seed, TrainerOptions? options = null)
        : this(model, new TensorSamples(coordinates.alias(), targets.alias()), seed, options)
    {
        if (coordinates.shape[0] != targets.shape[0])
            throw new ArgumentException("coordinates and targets differ in length");
        _ownsSamples = true;
    }

    /// <summary>Trains on <paramref name="samples"/>, which the caller keeps and disposes.</summary>
    public Trainer(FieldModel model, ITrainingSamples samples, long seed, TrainerOptions? options = null)
    {
        if (samples.CoordinateDims != model.Signal.CoordinateDims || samples.Channels != model.Signal.Channels)
            throw new ArgumentException("the samples do not match the model's signal");
        _model = model;
        _samples = samples;
        _options = options ?? new TrainerOptions();
        _config = _options.Training ?? model.Config.Training;
        _seed = seed;
        var scale = _options.LearningRateScale ?? model.LearningRateScale;
        _adam = new Adam(model.named_parameters().Select(p => (p.parameter, scale(p.name))), _config.Beta1, _config.Beta2, _config.Epsilon);
        _step = TrainingSteps.Create(model, _adam, _options.LossTerms, _config.ImplementationOrDefault);
    }

    /// <summary>"fused", "fused network" (the encoding on TorchSharp) or "torch": the training step this trainer runs (training.implementation resolved for the model).</summary>
    public string StepImplementation => _step switch { FusedTrainingStep => "fused", FusedSynthesisStep => "fused network", _ => "torch" };

    public FieldModel Model => _model;

    public Adam Optimizer => _adam;

    /// <summary>Steps completed, including those before a resume.</summary>
    public int CompletedSteps => (int)_adam.Step;

    public IReadOnlyList<CurvePoint> Curve => _curve;

    /// <summary>Bit error rate per plane against step, measured for bit-plane heads and lossless runs.</summary>
    public IReadOnlyList<BitErrorPoint> BitErrors => _bits?.Points ?? _restoredBitErrors;

    /// <summary>Seconds of training in all, including those before a resume.</summary>
    public double Seconds => _secondsBefore;

    /// <summary>Continues from a checkpoint's counters (its weights and moments are already loaded).</summary>
    public void RestoreProgress(IEnumerable<CurvePoint> curve, double seconds, IEnumerable<BitErrorPoint>? bitErrors = null)
    {
        _curve.Clear();
        _curve.AddRange(curve);
        _restoredBitErrors.Clear();
        _restoredBitErrors.AddRange(bitErrors ?? []);
        _bits?.Restore(_restoredBitErrors);
        _secondsBefore = seconds;
    }

    public TrainingOutcome Run(TrainingRun run, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        double secondsAtStart = _secondsBefore;
        double Now() => secondsAtStart + clock.Elapsed.TotalSeconds;
        long n = _samples.Count;
        long batch = _config.BatchSize == 0 || _config.BatchSize >= n ? n : _config.BatchSize;
        // With extra loss terms (a codec's rate) the loss is no longer the MSE, so PSNR is measured on the outputs.
        bool lossIsMse = _model.Head.LossIsMse && _options.LossTerms.Count == 0;
        var schedule = new EvaluationSchedule(_config.EvalEvery, batch == n, lossIsMse, run);
        // Bits are checked for bit-plane heads, and for any head (its values rounded) in a lossless run.
        var bits = run.UntilLossless || _model.Head is BitPlaneHead ? Bits() : null;
        // A full-batch run takes every pair once; mini-batches are gathered per step.
        var all = schedule.FullBatch ? _samples.Slice(0, n) : default;
        double psnr = _curve.Count > 0 ? _curve[^1].Psnr : double.NaN;
        int psnrMeasuredAt = _curve.Count > 0 ? _curve[^1].Step : -1;
        bool reached = false;
        long samples = 0;
        int stepsAtStart = CompletedSteps;
        // With a time budget the run's length in steps is estimated from the pace so far, so progress and ETA are right early.
        int Planned(int done) => run.TimeBudget is double budget && done > stepsAtStart && Now() > secondsAtStart
            ? (int)Math.Clamp(Math.Round(stepsAtStart + (done - stepsAtStart) * (budget - secondsAtStart) / (Now() - secondsAtStart)), done, run.TotalSteps)
            : run.TotalSteps;
        _model.train();
        double collectedAt = Now();

        try
        {
            while (!run.Exhausted(CompletedSteps, Now()) && !cancel.IsCancellationRequested)
            {
                int step = CompletedSteps;
                bool bitsFromOutputs = bits is not null && schedule.ChecksBitsOnOutputs(step);
                bool psnrFromOutputs = schedule.MeasuresPsnrOnOutputs(step);
                foreach (var hook in _options.Hooks) hook.BeforeCompute(step);
                double loss;
                bool exact = false;
                using (var scope = NewDisposeScope())
                {
                    var (x, y) = schedule.FullBatch ? all : SampleBatch(step, n, batch);
                    var result = _step.Compute(x, y, backward: true, keepOutputs: bitsFromOutputs || psnrFromOutputs);
                    loss = result.Loss;
                    RequireFinite(loss, step);
                    foreach (var hook in _options.Hooks) hook.AfterCompute(step, loss);
                    if (bitsFromOutputs)
                        exact = bits!.Check(result.Outputs, y, step, Now(), confirm: run.UntilLossless);
                    if (result.Outputs is not null && !lossIsMse && (psnrFromOutputs || exact))
                        (psnr, psnrMeasuredAt) = (ValuePsnr(result.Outputs, y), step + 1);
                }
                if (exact && run.UntilLossless)
                {
                    // These weights decode every sample exactly: keep them rather than take one more step.
                    _curve.Add(new CurvePoint(step, psnr, Now()));
                    observer?.OnStep(new TrainingProgress(step, Planned(step), loss, psnr, TimeSpan.FromSeconds(Now())) { BitErrorRates = bits!.Last!.Rates });
                    reached = true;
                    break;
                }
                _step.Update(_config.LearningRate * LearningRateSchedule.Multiplier(_config.Schedule, step, run.TotalSteps, run.TimeProgress(Now())));
                samples += batch;

                int done = CompletedSteps;
                bool evaluate = schedule.EvaluatesAfter(done, last: run.Exhausted(done, Now()));
                bool subset = false;
                if (schedule.FullBatch && lossIsMse)
                    (psnr, psnrMeasuredAt) = (Metrics.Psnr.FromMse(loss), done);   // the loss of this step's weights before the update: free and exact
                else if (evaluate && !schedule.FullBatch)
                    (psnr, psnrMeasuredAt, subset) = MiniBatchPsnr(run, done, last: run.Exhausted(done, Now()) && !run.LastMeasuredByCaller);
                bool bitsChecked = bitsFromOutputs;
                if (bits is not null && !schedule.FullBatch && evaluate)
                {
                    exact = bits.Check(null, null, done, Now(), confirm: false);
                    bitsChecked = true;
                }
                if (evaluate || schedule.FullBatch)
                    _curve.Add(new CurvePoint(done, psnr, Now()) { Subset = subset });
                observer?.OnStep(new TrainingProgress(done, Planned(done), loss, psnr, TimeSpan.FromSeconds(Now()))
                    { BitErrorRates = bitsChecked ? bits!.Last!.Rates : null, PsnrOnSubset = subset });
                if ((run.TargetPsnr is double target && evaluate && !subset && psnr >= target) || (exact && run.UntilLossless))
                {
                    reached = true;
                    break;
                }
                if (Now() - collectedAt >= CollectEverySeconds)
                {
                    CollectNativeGarbage();
                    collectedAt = Now();
                }
            }
            if (!reached && !cancel.IsCancellationRequested)
            {
                // The run's last weights are measured once more where the loop could not know it was the last step.
                if (psnrMeasuredAt != CompletedSteps && !(schedule.FullBatch && lossIsMse) && CompletedSteps > 0 && !run.LastMeasuredByCaller)
                {
                    psnr = Evaluate();
                    SetLastPoint(psnr, Now());
                }
                // Full-batch checks look before each update, so the weights of the last one are checked here.
                if (bits is not null && bits.Last?.Step != CompletedSteps)
                    reached = bits.Check(null, null, CompletedSteps, Now(), confirm: false) && run.UntilLossless;
            }
        }
        finally
        {
            all.Coordinates?.Dispose();
            all.Targets?.Dispose();
            foreach (var hook in _options.Hooks) hook.AfterRun();
            _secondsBefore = Now();
        }
        return new TrainingOutcome(CompletedSteps, psnr, _secondsBefore - secondsAtStart, samples, reached);
    }

    /// <summary>
    /// Makes <paramref name="psnr"/>, measured by the caller on every sample of the last weights, the curve's last point
    /// (a run with <see cref="TrainingRun.LastMeasuredByCaller"/> left an estimate there, or none at the last step).
    /// </summary>
    public void RecordFinalPsnr(double psnr)
    {
        if (CompletedSteps > 0) SetLastPoint(psnr, Seconds);
    }

    /// <summary>The curve's point at the current step becomes <paramref name="psnr"/> (keeping its time), or is added at <paramref name="seconds"/>.</summary>
    private void SetLastPoint(double psnr, double seconds)
    {
        if (_curve.Count > 0 && _curve[^1].Step == CompletedSteps) _curve[^1] = new CurvePoint(CompletedSteps, psnr, _curve[^1].Seconds);
        else _curve.Add(new CurvePoint(CompletedSteps, psnr, seconds));
    }

    /// <summary>Seconds of training between two collections (<see cref="CollectNativeGarbage"/>).</summary>
    public const double CollectEverySeconds = 1.0;

    /// <summary>
    /// TorchSharp leaves some native memory to .NET finalizers (autograd contexts, handles of temporaries), which a
    /// small managed heap never runs: without a collection about once a second, a 10-minute clip's mini-batch fit grew
    /// by 2.6 MB a step (3.3 GB after 505 steps) and a SIREN neural file by tens of MB a step.
    /// </summary>
    public static void CollectNativeGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>Full-signal PSNR of the current weights (values in [0,1]), chunk by chunk.</summary>
    public double Evaluate()
    {
        double psnr = SignalPsnr.Of(_model, _samples, predict: Predictor);
        _model.train();
        return psnr;
    }

    /// <summary>
    /// Between full evaluations a mini-batch run measures a fixed random subset of at most
    /// <see cref="EvaluationSchedule.SubsetSize"/> samples (every sample when the signal is that small); the last
    /// step, and a subset that reaches the target PSNR, are measured on every sample.
    /// </summary>
    private (double Psnr, int At, bool Subset) MiniBatchPsnr(TrainingRun run, int done, bool last)
    {
        long n = _samples.Count;
        if (last || n <= EvaluationSchedule.SubsetSize)
            return (Evaluate(), done, false);
        _subset ??= SubsetIndices(n).DetachFromDisposeScope();
        using var scope = NewDisposeScope();
        var (x, y) = _samples.Gather(_subset);
        double estimate = SignalPsnr.Of(_model, x, y, predict: Predictor);
        _model.train();
        if (run.TargetPsnr is double target && estimate >= target)
            return (Evaluate(), done, false);
        return (estimate, done, true);
    }

    private Tensor SubsetIndices(long n)
    {
        using var generator = new Generator(unchecked((ulong)(_seed * 1_000_003 + 104_729)));
        return randperm(n, generator: generator).narrow(0, 0, EvaluationSchedule.SubsetSize).sort().Values;
    }

    /// <summary>
    /// The fused step's own forward pass for PSNR measurements when it trains (faster, and what it trains); bit checks
    /// keep <see cref="FieldModel.Predict"/>, the values a render or a decoder gives, since exactness is judged on them.
    /// </summary>
    private Func<Tensor, Tensor>? Predictor => _step is FusedTrainingStep fused ? fused.Predict : null;

    private BitTracker Bits()
    {
        if (_bits is null)
        {
            _bits = new BitTracker(_model, _samples);
            _bits.Restore(_restoredBitErrors);
        }
        return _bits;
    }

    private void RequireFinite(double loss, int step)
    {
        if (double.IsFinite(loss)) return;
        throw new NeuralFieldsException(
            $"training diverged at step {step + 1}: the loss became {(double.IsNaN(loss) ? "NaN" : "infinite")}; lower training.learning_rate (now {_config.LearningRate:G4}) or check the config's other numbers");
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
        using var generator = new Generator(unchecked((ulong)(_seed * 1_000_003 + _options.BatchSalt + step)));
        // In sample order: neighbouring samples read neighbouring table rows and latents, so the gathers and
        // scatters of a batch of a large signal walk memory forward instead of at random.
        using var drawn = randint(n, [batch], generator: generator);
        using var index = drawn.sort().Values;
        return _samples.Gather(index);
    }

    public void Dispose()
    {
        _step.Dispose();
        _adam.Dispose();
        _bits?.Dispose();
        _subset?.Dispose();
        if (_ownsSamples) _samples.Dispose();
    }
}
