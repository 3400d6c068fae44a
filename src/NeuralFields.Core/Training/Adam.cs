using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralFields.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// Adam (Kingma and Ba) with per-parameter learning-rate scales, written out so that its whole
/// state (moments and step) is saved in checkpoints and a resumed run continues bit for bit.
/// Update as in PyTorch: p -= lr/bc1 · m / (√v/√bc2 + ε). Float32 CPU tensors are updated by one
/// fused C# pass over (g, m, v, p), parallel over chunks: TorchSharp's in-place ops take eight passes
/// and a temporary, which dominated hash-grid steps (millions of table entries, little compute).
/// Gradients are dropped after each update (PyTorch's set_to_none), so the next backward hands its
/// gradient over instead of adding it to a zeroed buffer.
/// </summary>
public sealed class Adam : IDisposable
{
    private readonly (Parameter Parameter, double Scale)[] _parameters;
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;
    private readonly double _beta1, _beta2, _epsilon;

    private readonly bool _fused;

    /// <param name="fused">False forces the TorchSharp ops (the reference the fused pass is tested against).</param>
    public Adam(IEnumerable<(Parameter Parameter, double Scale)> parameters, double beta1, double beta2, double epsilon, bool fused = true)
    {
        _fused = fused;
        _parameters = parameters.ToArray();
        _m = _parameters.Select(p => zeros_like(p.Parameter)).ToArray();
        _v = _parameters.Select(p => zeros_like(p.Parameter)).ToArray();
        (_beta1, _beta2, _epsilon) = (beta1, beta2, epsilon);
    }

    /// <summary>Number of updates applied so far.</summary>
    public long Step { get; private set; }

    /// <summary>Drops every gradient (the next backward creates them afresh).</summary>
    public void ZeroGrad()
    {
        foreach (var (p, _) in _parameters)
        {
            var g = p.grad;
            if (g is null) continue;
            p.grad = null;
            g.Dispose();
        }
    }

    /// <summary>The parameters in the order of <see cref="StateTensors"/> and of <see cref="Update(double, IReadOnlyList{Tensor})"/>'s gradients.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters.Select(p => p.Parameter).ToList();

    /// <summary>Applies one step to the parameters' autograd gradients.</summary>
    public void Update(double learningRate) => Update(learningRate, i => _parameters[i].Parameter.grad, ownsGradients: true);

    /// <summary>Applies one step to gradients computed elsewhere (a fused step), one per <see cref="Parameters"/> entry, same shapes.</summary>
    public void Update(double learningRate, IReadOnlyList<Tensor> gradients)
    {
        if (gradients.Count != _parameters.Length)
            throw new ArgumentException("one gradient per parameter is needed", nameof(gradients));
        Update(learningRate, i => gradients[i], ownsGradients: false);
    }

    /// <param name="ownsGradients">
    /// True when <paramref name="gradientOf"/> makes a new handle per call (Parameter.grad does): each is disposed at
    /// once, since an undisposed handle keeps the gradient's storage alive until a garbage collection, megabytes a step.
    /// </param>
    private void Update(double learningRate, Func<int, Tensor?> gradientOf, bool ownsGradients)
    {
        Step++;
        double bc1 = 1 - Math.Pow(_beta1, Step);
        double sqrtBc2 = Math.Sqrt(1 - Math.Pow(_beta2, Step));
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var (p, scale) = _parameters[i];
            var g = gradientOf(i);
            if (g is null) continue;
            try
            {
                Apply(p, g, _m[i], _v[i], learningRate * scale / bc1, sqrtBc2);
            }
            finally
            {
                if (ownsGradients) g.Dispose();
            }
        }
    }

    private void Apply(Tensor p, Tensor g, Tensor m, Tensor v, double stepSize, double sqrtBc2)
    {
        if (_fused && Fusable(p, g, m, v))
        {
            FusedUpdate(p, g, m, v, (float)stepSize, (float)sqrtBc2);
            return;
        }
        m.mul_(_beta1).add_(g, alpha: 1 - _beta1);
        v.mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
        using var denom = v.sqrt().div_(sqrtBc2).add_(_epsilon);
        p.addcdiv_(m, denom, value: -stepSize);
    }

    private static bool Fusable(params Tensor[] tensors) =>
        tensors.All(t => t.dtype == ScalarType.Float32 && t.device_type == TorchSharp.DeviceType.CPU && t.is_contiguous());

    private const int Chunk = 1 << 16;

    /// <summary>The update above, element by element in float32; elements are independent, so any split gives the same bits.</summary>
    private unsafe void FusedUpdate(Tensor parameter, Tensor gradient, Tensor firstMoment, Tensor secondMoment, float stepSize, float sqrtBc2)
    {
        nint pAt = (nint)TensorPointer.Float(parameter), gAt = (nint)TensorPointer.Float(gradient), mAt = (nint)TensorPointer.Float(firstMoment), vAt = (nint)TensorPointer.Float(secondMoment);
        long n = parameter.numel();
        float b1 = (float)_beta1, b2 = (float)_beta2, c1 = (float)(1 - _beta1), c2 = (float)(1 - _beta2), eps = (float)_epsilon;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot loop: optimised from the first step
        void Range(long start, long end)
        {
            float* p = (float*)pAt, g = (float*)gAt, m = (float*)mAt, v = (float*)vAt;
            long i = start;
            // Eight lanes at a time with the same operations in the same order as the scalar tail (no fused
            // multiply-add), so every element gets the same bits whichever path it takes.
            if (Vector256.IsHardwareAccelerated)
            {
                var vb1 = Vector256.Create(b1); var vb2 = Vector256.Create(b2); var vc1 = Vector256.Create(c1); var vc2 = Vector256.Create(c2);
                var vStep = Vector256.Create(stepSize); var vBc2 = Vector256.Create(sqrtBc2); var vEps = Vector256.Create(eps);
                for (; i + 8 <= end; i += 8)
                {
                    var gi = Vector256.Load(g + i);
                    var mi = vb1 * Vector256.Load(m + i) + vc1 * gi;
                    var vi = vb2 * Vector256.Load(v + i) + vc2 * gi * gi;
                    mi.Store(m + i);
                    vi.Store(v + i);
                    (Vector256.Load(p + i) - vStep * (mi / (Vector256.Sqrt(vi) / vBc2 + vEps))).Store(p + i);
                }
            }
            for (; i < end; i++)
            {
                float gi = g[i];
                float mi = b1 * m[i] + c1 * gi;
                float vi = b2 * v[i] + c2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                p[i] -= stepSize * (mi / (MathF.Sqrt(vi) / sqrtBc2 + eps));
            }
        }
        if (n <= Chunk)
            Range(0, n);
        else
            Parallel.For(0, (n + Chunk - 1) / Chunk, c => Range(c * Chunk, Math.Min(n, (c + 1) * Chunk)));
    }

    /// <summary>Moments in parameter order: m0, v0, m1, v1, ...</summary>
    public IEnumerable<Tensor> StateTensors()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            yield return _m[i];
            yield return _v[i];
        }
    }

    public void Restore(long step, IReadOnlyList<float[]> moments)
    {
        if (moments.Count != 2 * _parameters.Length)
            throw new Schema.NeuralFieldsException("checkpoint optimiser state does not match the model");
        Step = step;
        using var _ = no_grad();
        var tensors = StateTensors().ToArray();
        for (int i = 0; i < tensors.Length; i++)
        {
            if (moments[i].Length != tensors[i].numel())
                throw new Schema.NeuralFieldsException("checkpoint optimiser state does not match the model");
            using var source = tensor(moments[i]).reshape(tensors[i].shape);
            tensors[i].copy_(source);
        }
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t.Dispose();
    }
}
