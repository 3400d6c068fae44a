using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training.Fused;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Steps;

/// <summary>
/// The fused CPU step: <see cref="FusedNetwork"/> computes the loss and every gradient in one tiled pass, and the
/// same <see cref="Adam"/> (its moments, its step count) applies them to the model's own parameters, so a checkpoint
/// does not say which step trained it and a run may resume with either.
/// </summary>
public sealed class FusedTrainingStep : ITrainingStep
{
    private readonly FieldModel _model;
    private readonly Adam _adam;
    private readonly FusedNetwork _network;
    private readonly Tensor[] _gradients;
    private bool _hasGradients;

    public FusedTrainingStep(FieldModel model, Adam adam, FusedLanes lanes = FusedLanes.Auto)
    {
        _model = model;
        _adam = adam;
        _network = new FusedNetwork(model, lanes);
        // Adam's parameter order, each with a persistent gradient buffer the network writes (no allocation per step).
        var index = TensorPointer.IndexByAddress(_network.Parameters);
        var parameters = adam.Parameters;
        if (parameters.Count != _network.Parameters.Count || parameters.Any(p => !index.ContainsKey(TensorPointer.Address(p))))
            throw new InvalidOperationException("the optimiser's parameters are not the fused network's");
        _order = parameters.Select(p => index[TensorPointer.Address(p)]).ToArray();
        _gradients = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    private readonly int[] _order;

    public FusedNetwork Network => _network;

    /// <summary>The gradients of the last <see cref="Compute"/> with backward, in the optimiser's parameter order.</summary>
    public IReadOnlyList<Tensor> Gradients => _gradients;

    public unsafe StepResult Compute(Tensor coordinates, Tensor targets, bool backward, bool keepOutputs)
    {
        using var x = coordinates.to(ScalarType.Float32).contiguous();
        using var y = targets.to(ScalarType.Float32).contiguous();
        long n = x.shape[0];
        var outputs = keepOutputs ? empty(n, _model.Head.RawOutputs) : null;
        nint[]? buffers = null;
        if (backward)
        {
            buffers = new nint[_gradients.Length];
            for (int i = 0; i < _gradients.Length; i++) buffers[_order[i]] = TensorPointer.Address(_gradients[i]);
        }
        double loss = _network.Run(TensorPointer.Float(x), TensorPointer.Float(y), n, outputs is null ? null : TensorPointer.Float(outputs), buffers);
        _hasGradients = backward;
        return new StepResult(loss, outputs);
    }

    /// <summary>Signal values [n, channels] of the current weights from the fused forward pass alone (no gradients kept).</summary>
    public unsafe Tensor Predict(Tensor coordinates)
    {
        using var _ = no_grad();
        using var x = coordinates.to(ScalarType.Float32).contiguous();
        long n = x.shape[0];
        using var raw = empty(n, _model.Head.RawOutputs);
        _network.Run(TensorPointer.Float(x), null, n, TensorPointer.Float(raw), null);
        return _model.Head.Values(raw);
    }

    public void Update(double learningRate)
    {
        if (!_hasGradients) throw new InvalidOperationException("Update needs a Compute with backward first");
        _adam.Update(learningRate, _gradients);
        _hasGradients = false;
    }

    public void Dispose()
    {
        _network.Dispose();
        foreach (var g in _gradients) g.Dispose();
    }
}
