using NeuralFields.Schema.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// Maps coordinates [N, InputDims] in [-1,1] to features [N, OutputDims]. Fixed bases are buffers
/// (saved in checkpoints), learnable ones parameters.
/// </summary>
public abstract class Encoding : nn.Module<Tensor, Tensor>
{
    protected Encoding(string name, int inputDims) : base(name)
    {
        InputDims = inputDims;
    }

    public int InputDims { get; }

    public abstract int OutputDims { get; }

    public abstract EncodingConfig Config { get; }

    /// <summary>True when <see cref="Calibrate"/> fixes constants that depend on the training coordinates.</summary>
    public virtual bool NeedsCalibration => false;

    /// <summary>
    /// Fixes constants that depend on the coordinates the field is trained on (a normalisation scale),
    /// once, before training. They are buffers, so checkpoints keep them and rendering at another
    /// resolution uses the same values. Nothing to do by default.
    /// </summary>
    public virtual void Calibrate(Tensor trainingCoordinates) { }

    /// <summary>Learning rate of this encoding's own parameters (hash tables); null uses training.learning_rate.</summary>
    public virtual double? LearningRate => null;

    /// <summary>
    /// Prediction without gradients runs many blocks with parameters that do not change between them: until the
    /// returned handle is disposed, an encoding may compute once what every block shares. Nothing by default.
    /// </summary>
    public virtual IDisposable? HoldForPrediction() => null;

    /// <summary>
    /// True when training should compute this encoding on TorchSharp but the network and loss after it in the fused
    /// step (<see cref="Training.Steps.FusedSynthesisStep"/>): for encodings the fused step does not compute whose
    /// network dominates the step. False by default.
    /// </summary>
    public virtual bool FeedsFusedNetwork => false;

    /// <summary>
    /// The fused step's view of this encoding: the features of <paramref name="coordinates"/> as plain values
    /// (detached, contiguous), and a function from the features' gradients to a scalar whose backward carries those
    /// gradients into this encoding's parameters. By default TorchSharp's graph does it, (features · gradients).sum().
    /// </summary>
    public virtual (Tensor Values, Func<Tensor, Tensor> Surrogate) EncodeForFusedStep(Tensor coordinates)
    {
        var features = forward(coordinates);
        return (features.detach().contiguous(), gradients => (features * gradients).sum());
    }

    public sealed override Tensor forward(Tensor coordinates)
    {
        if (coordinates.dim() != 2 || coordinates.shape[1] != InputDims)
            throw new ArgumentException($"{GetType().Name} expects [N, {InputDims}] coordinates, got [{string.Join(", ", coordinates.shape)}]");
        return Encode(coordinates);
    }

    protected abstract Tensor Encode(Tensor coordinates);
}
