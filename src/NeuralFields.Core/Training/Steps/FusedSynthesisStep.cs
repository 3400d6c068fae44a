using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training.Fused;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Steps;

/// <summary>
/// The encoding on TorchSharp, the network and the head's loss fused: the encoding's features (with their autograd)
/// go through <see cref="FusedNetwork"/>, which gives the loss, the network's gradients and the features' gradients;
/// one TorchSharp backward then carries the features' gradients, with the loss terms (a codec's rate), into the
/// encoding's parameters, and the same <see cref="Adam"/> applies every gradient. For encodings that ask for it
/// (<see cref="Encodings.Encoding.FeedsFusedNetwork"/>: latent grids, whose synthesis MLP over every pixel was most of
/// a TorchSharp step).
/// </summary>
public sealed class FusedSynthesisStep : ITrainingStep
{
    private readonly FieldModel _model;
    private readonly Adam _adam;
    private readonly IReadOnlyList<ILossTerm> _lossTerms;
    private readonly FusedFeatures _features;
    private readonly FusedNetwork _network;
    private readonly Tensor?[] _networkGradients;     // per Adam parameter: the network's buffer, or null (TorchSharp's .grad)
    private readonly int[] _networkOrder;             // per network parameter: its index among Adam's
    private bool _hasGradients;

    public FusedSynthesisStep(FieldModel model, Adam adam, IReadOnlyList<ILossTerm> lossTerms, FusedLanes lanes = FusedLanes.Auto)
    {
        _model = model;
        _adam = adam;
        _lossTerms = lossTerms;
        _features = new FusedFeatures(model.Encoding.OutputDims);
        _network = new FusedNetwork(model, _features, lanes);
        var adamIndex = TensorPointer.IndexByAddress(adam.Parameters);
        if (_network.Parameters.Any(p => !adamIndex.ContainsKey(TensorPointer.Address(p))))
            throw new InvalidOperationException("the optimiser does not train every parameter of the fused network");
        _networkOrder = _network.Parameters.Select(p => adamIndex[TensorPointer.Address(p)]).ToArray();
        _networkGradients = new Tensor?[adam.Parameters.Count];
        foreach (int i in _networkOrder) _networkGradients[i] = zeros_like(adam.Parameters[i]).DetachFromDisposeScope();
    }

    /// <summary>True when <paramref name="model"/>'s encoding asks for this step and the fused step computes its network and head.</summary>
    public static bool Suits(FieldModel model) =>
        model.Encoding.FeedsFusedNetwork && model.Head.QueriesPerSample == 1 && FusedNetwork.SupportsNetwork(model.Config, out _);

    public unsafe StepResult Compute(Tensor coordinates, Tensor targets, bool backward, bool keepOutputs)
    {
        _adam.ZeroGrad();
        using var scope = NewDisposeScope();
        var (values, surrogateOf) = _model.Encoding.EncodeForFusedStep(coordinates);
        var y = targets.to(ScalarType.Float32).contiguous();
        long n = values.shape[0];
        var featureGradients = backward ? empty(n, values.shape[1]) : null;
        var outputs = keepOutputs ? empty(n, _model.Head.RawOutputs) : null;
        _features.Use(TensorPointer.Float(values), featureGradients is null ? null : TensorPointer.Float(featureGradients));
        nint[]? buffers = backward ? _networkOrder.Select(i => TensorPointer.Address(_networkGradients[i]!)).ToArray() : null;
        double loss = _network.Run(TensorPointer.Float(values), TensorPointer.Float(y), n, outputs is null ? null : TensorPointer.Float(outputs), buffers);
        _features.Use(null, null);
        Tensor? terms = null;
        foreach (var term in _lossTerms)
        {
            var value = term.Compute(_model);
            terms = terms is null ? value : terms + value;
        }
        if (backward)
        {
            // d(loss)/d(features) from the fused pass, carried by the encoding's surrogate into its parameters, with the terms' gradients.
            var surrogate = surrogateOf(featureGradients!);
            (terms is null ? surrogate : surrogate + terms).backward();
        }
        if (terms is not null) loss += terms.item<float>();
        _hasGradients = backward;
        return new StepResult(loss, outputs?.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The gradients of the last <see cref="Compute"/> with backward, in the optimiser's parameter order: the fused
    /// network's buffers and TorchSharp's gradients of the rest (new handles the caller disposes, at index i when
    /// <paramref name="owned"/>[i]).
    /// </summary>
    public Tensor[] Gradients(out bool[] owned)
    {
        var parameters = _adam.Parameters;
        var gradients = new Tensor[parameters.Count];
        owned = new bool[parameters.Count];
        for (int i = 0; i < gradients.Length; i++)
        {
            owned[i] = _networkGradients[i] is null;
            gradients[i] = _networkGradients[i] ?? parameters[i].grad ?? zeros_like(parameters[i]);
        }
        return gradients;
    }

    public void Update(double learningRate)
    {
        if (!_hasGradients) throw new InvalidOperationException("Update needs a Compute with backward first");
        var gradients = Gradients(out var owned);
        try
        {
            _adam.Update(learningRate, gradients);
        }
        finally
        {
            for (int i = 0; i < gradients.Length; i++)
                if (owned[i]) gradients[i].Dispose();
        }
        _hasGradients = false;
    }

    public void Dispose()
    {
        _network.Dispose();
        foreach (var g in _networkGradients) g?.Dispose();
    }
}
