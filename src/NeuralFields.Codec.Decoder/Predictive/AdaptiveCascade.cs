namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>One stage of an <see cref="AdaptiveCascade"/>: its filter order and its step, 2^−<see cref="StepShift"/>.</summary>
public sealed record LmsStage(int Order, int StepShift)
{
    public const int MaxOrder = 1024, MaxStepShift = 20;
}

/// <summary>
/// A cascade of normalised LMS filters in integer arithmetic on a 1-D plane's residual (docs/format.md §10.7), as
/// Monkey's Audio and OptimFROG stack them: the plane's network is fitted once for the whole clip, these filters
/// follow the clip as it changes. Stage 1 predicts the residual x − P from its own past values, stage 2 predicts what
/// stage 1 leaves from its past, and so on; the coded value is what the last stage leaves. Every step is an integer
/// operation (division truncates toward zero), so encoder and decoder adapt identically.
/// </summary>
public sealed class AdaptiveCascade
{
    private readonly Filter[] _filters;
    private readonly int[] _predictions;

    public AdaptiveCascade(IReadOnlyList<LmsStage> stages)
    {
        _filters = stages.Select(s => new Filter(s.Order, s.StepShift)).ToArray();
        _predictions = new int[_filters.Length];
    }

    /// <summary>The correction to add to the plane's prediction: the sum of every stage's prediction of its input.</summary>
    public int Predict()
    {
        long sum = 0;
        for (int s = 0; s < _filters.Length; s++) sum += _predictions[s] = _filters[s].Predict();
        return (int)Math.Clamp(sum, -SampleContext.MaxMagnitude, SampleContext.MaxMagnitude);
    }

    /// <summary>Coded values whose magnitudes make the plain mode's activity under a cascade.</summary>
    public const int Recent = 16;

    /// <summary>|coded value| of the last <see cref="Recent"/> samples (0 before the first), a ring written at _count mod Recent.</summary>
    private readonly int[] _recent = new int[Recent];
    private int _count;

    /// <summary>The plain mode's activity under a cascade: half the sum of the last 16 coded values' magnitudes.</summary>
    public int RecentActivity()
    {
        long sum = 0;
        foreach (int e in _recent) sum += e;
        return (int)(sum / 2);
    }

    /// <summary>Adapts every stage to the sample's residual against the plane's own prediction (before the correction).</summary>
    /// <param name="residual">The sample minus the plane's own prediction (the first stage's input).</param>
    /// <param name="coded">The sample minus the corrected prediction (what was coded).</param>
    public void Update(int residual, int coded)
    {
        _recent[_count++ % Recent] = Math.Abs(coded);
        long input = residual;
        for (int s = 0; s < _filters.Length; s++)
        {
            long error = input - _predictions[s];
            _filters[s].Update((int)input, error);
            input = Math.Clamp(error, -Filter.Limit, Filter.Limit);
        }
    }

    /// <summary>
    /// r̂ = round(Σ w_k·h_k / 2^16) over the last <c>order</c> inputs h (newest first); after each sample
    /// w_k += ((e·2^(28−μ)) / (Σ h² + 1))·h_k >> 12, a step of 2^−μ·e·h_k / ‖h‖² in the weights' units.
    /// </summary>
    private sealed class Filter
    {
        public const int Limit = 1 << 18;
        private const int WeightBits = 16, Gain = 28, Spare = 4096;
        private const long MaxWeight = 1L << 24;

        private readonly int _order, _shift;
        private readonly int[] _history;                // inputs, oldest first; the window is [_at − order, _at)
        private readonly long[] _weights;              // w_k for the input k + 1 samples back, at _weights[order − 1 − k]
        private int _at;
        private long _power;

        public Filter(int order, int shift)
        {
            _order = order;
            _shift = shift;
            _history = new int[order + Spare];
            _weights = new long[order];
            _at = order;
        }

        public int Predict()
        {
            var h = _history.AsSpan(_at - _order, _order);
            long sum = 0;
            for (int k = 0; k < _order; k++) sum += _weights[k] * h[k];
            return (int)Math.Clamp((sum + (1L << (WeightBits - 1))) >> WeightBits, -Limit, Limit);
        }

        public void Update(int input, long error)
        {
            var h = _history.AsSpan(_at - _order, _order);
            long factor = (Math.Clamp(error, -Limit, Limit) << (Gain - _shift)) / (_power + 1);
            if (factor != 0)
                for (int k = 0; k < _order; k++)
                    _weights[k] = Math.Clamp(_weights[k] + ((factor * h[k]) >> (Gain - WeightBits)), -MaxWeight, MaxWeight);
            int oldest = h[0];
            _power += (long)input * input - (long)oldest * oldest;
            if (_at == _history.Length)
            {
                Array.Copy(_history, _at - _order, _history, 0, _order);
                _at = _order;
            }
            _history[_at++] = input;
        }
    }
}
