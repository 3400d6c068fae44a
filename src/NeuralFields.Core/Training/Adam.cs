using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// Adam (Kingma and Ba) with per-parameter learning-rate scales, written out so that its whole
/// state (moments and step) is saved in checkpoints and a resumed run continues bit for bit.
/// Update as in PyTorch: p -= lr/bc1 · m / (√v/√bc2 + ε).
/// </summary>
public sealed class Adam : IDisposable
{
    private readonly (Parameter Parameter, double Scale)[] _parameters;
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;
    private readonly double _beta1, _beta2, _epsilon;

    public Adam(IEnumerable<(Parameter Parameter, double Scale)> parameters, double beta1, double beta2, double epsilon)
    {
        _parameters = parameters.ToArray();
        _m = _parameters.Select(p => zeros_like(p.Parameter)).ToArray();
        _v = _parameters.Select(p => zeros_like(p.Parameter)).ToArray();
        (_beta1, _beta2, _epsilon) = (beta1, beta2, epsilon);
    }

    /// <summary>Number of updates applied so far.</summary>
    public long Step { get; private set; }

    public void ZeroGrad()
    {
        foreach (var (p, _) in _parameters)
            p.grad?.zero_();
    }

    public void Update(double learningRate)
    {
        Step++;
        double bc1 = 1 - Math.Pow(_beta1, Step);
        double sqrtBc2 = Math.Sqrt(1 - Math.Pow(_beta2, Step));
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var (p, scale) = _parameters[i];
            var g = p.grad;
            if (g is null) continue;
            _m[i].mul_(_beta1).add_(g, alpha: 1 - _beta1);
            _v[i].mul_(_beta2).addcmul_(g, g, value: 1 - _beta2);
            using var denom = _v[i].sqrt().div_(sqrtBc2).add_(_epsilon);
            p.addcdiv_(_m[i], denom, value: -learningRate * scale / bc1);
        }
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
