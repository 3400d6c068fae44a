using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Predictive;

/// <summary>
/// Trains one plane's predictor network with TorchSharp: on a seeded random subset of the plane's samples, Adam
/// minimises the bits of each sample under a discretised Laplace whose mean and log2-scale the network outputs, in
/// the same input scaling (2^−shift) the fixed-point decoder uses. Returns float weights in the decoder's layout.
/// </summary>
internal static class PredictorTraining
{
    /// <summary>Features, targets (sample − p0) and indices of the training subset of one plane.</summary>
    public sealed record Data(float[] Features, float[] Targets, int Count, int Inputs);

    /// <summary>
    /// Visits every sample once in coding order so the context holds every neighbour's error (as a decoder's would
    /// by the time it reaches any sample); <see cref="Gather"/> can then read any subset.
    /// </summary>
    public static void Prime(SampleContext context, long points)
    {
        Span<int> f = stackalloc int[context.FeatureCount(context.Planes - 1)];
        for (int i = 0; i < points; i++)
            for (int c = 0; c < context.Planes; c++)
                context.Record(c, i, context.Compute(c, i, f).P0);
    }

    public static Data Gather(SampleContext context, int[][] planes, int plane, int[] indices)
    {
        int inputs = context.FeatureCount(plane);
        var features = new float[(long)indices.Length * inputs];
        var targets = new float[indices.Length];
        Span<int> f = stackalloc int[inputs];
        for (int n = 0; n < indices.Length; n++)
        {
            var (p0, _) = context.Compute(plane, indices[n], f);
            for (int i = 0; i < inputs; i++) features[(long)n * inputs + i] = f[i];
            targets[n] = planes[plane][indices[n]] - p0;
        }
        return new Data(features, targets, indices.Length, inputs);
    }

    /// <summary>The powers of two that bring the features and the targets near unit size: ⌊log2 of their mean magnitude + 1⌋.</summary>
    public static (int Input, int Output) Shifts(Data data)
    {
        static int Shift(double mean) => Math.Clamp((int)Math.Floor(Math.Log2(mean + 1)), 0, PredictorShape.MaxInputShift);
        double features = 0, targets = 0;
        foreach (float f in data.Features) features += Math.Abs(f);
        foreach (float t in data.Targets) targets += Math.Abs(t);
        return (Shift(features / Math.Max(1, data.Features.Length)), Shift(targets / Math.Max(1, data.Count)));
    }

    /// <summary>Float weight and bias arrays, in <see cref="PredictorShape.Layers"/> order.</summary>
    public static List<float[]> Train(Data data, PredictorShape shape, PredictiveOptions options, CancellationToken cancel)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)options.Seed);
        float scale = MathF.ScaleB(1f, -shape.OutputShift);
        var x = tensor(data.Features).reshape(data.Count, data.Inputs) * MathF.ScaleB(1f, -shape.InputShift);
        var t = tensor(data.Targets) * scale;
        var parameters = new List<TorchSharp.Modules.Parameter>();
        foreach (var (outputs, inputs) in shape.Layers())
        {
            bool last = parameters.Count == 2 * shape.HiddenLayers;
            // The output layer starts at zero: the network first predicts p0 with one scale (the plain predictor) and
            // only moves from there as far as the bits say, which keeps short runs and large 1-D inputs stable.
            double bound = Math.Sqrt(6.0 / Math.Max(1, inputs));
            var weight = last ? zeros(outputs, inputs) : empty(outputs, inputs).uniform_(-bound, bound, generator: generator);
            parameters.Add(new TorchSharp.Modules.Parameter(weight));
            var bias = zeros(outputs);
            if (last) bias[1] = tensor(MathF.Log2(MeanAbs(data) * scale + 0.25f));
            parameters.Add(new TorchSharp.Modules.Parameter(bias));
        }
        using var adam = optim.Adam(parameters, options.LearningRate);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(adam, options.Steps, options.LearningRate / 20);
        int batch = Math.Min(options.BatchSize, data.Count);
        for (int step = 0; step < options.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            var pick = randint(data.Count, [batch], generator: generator);
            var (mean, logScale) = Forward(parameters, shape, x.index_select(0, pick));
            var loss = LaplaceBits(t.index_select(0, pick) - mean, logScale, 0.5f * scale).mean();
            adam.zero_grad();
            loss.backward();
            adam.step();
            schedule.step();
        }
        return parameters.Select(p => p.detach().cpu().data<float>().ToArray()).ToList();
    }

    private static float MeanAbs(Data data) => data.Targets.Select(MathF.Abs).DefaultIfEmpty(0).Average();

    private static (Tensor Mean, Tensor LogScale) Forward(List<TorchSharp.Modules.Parameter> p, PredictorShape shape, Tensor x)
    {
        var h = x;
        for (int l = 0; l < shape.HiddenLayers; l++)
            h = nn.functional.relu(nn.functional.linear(h, p[2 * l], p[2 * l + 1]));
        var input = shape.HiddenLayers > 0 ? cat([h, x], 1) : x;
        var output = nn.functional.linear(input, p[2 * shape.HiddenLayers], p[2 * shape.HiddenLayers + 1]);
        return (output[.., 0], output[.., 1]);
    }

    /// <summary>−log2 P(error) under a Laplace of log2-scale <paramref name="logScale"/>, discretised to bins of ±<paramref name="half"/>.</summary>
    private static Tensor LaplaceBits(Tensor error, Tensor logScale, float half)
    {
        var b = exp2(logScale.clamp(-12, 24));
        Tensor Cdf(Tensor u) => 0.5 - 0.5 * u.sign() * (-u.abs() / b).expm1();
        var probability = (Cdf(error + half) - Cdf(error - half)).clamp_min(1e-9);
        return -probability.log2();
    }

    /// <summary>The integers of <paramref name="weights"/> (weight, bias per layer) at step 2^−k of their layer, within 16 bits.</summary>
    public static List<int[]> Quantize(IReadOnlyList<float[]> weights, IReadOnlyList<int> fractions) =>
        weights.Select((w, i) => w.Select(v => (int)Math.Clamp(Math.Round(v * Math.ScaleB(1.0, fractions[i / 2])), -PredictorShape.MaxWeight, PredictorShape.MaxWeight)).ToArray()).ToList();

    /// <summary>Seeded indices of at most <paramref name="count"/> of <paramref name="points"/> grid points (all of them when fewer).</summary>
    public static int[] Subset(long points, int count, long seed)
    {
        if (points <= count) return Enumerable.Range(0, (int)points).ToArray();
        var random = new PortableRandom((ulong)seed);
        var picked = new int[count];
        for (int i = 0; i < count; i++) picked[i] = (int)(random.NextDouble() * points);
        Array.Sort(picked);
        return picked;
    }
}
