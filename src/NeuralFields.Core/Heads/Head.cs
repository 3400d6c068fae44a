using static TorchSharp.torch;

namespace NeuralFields.Core.Heads;

/// <summary>
/// Turns raw network outputs into signal values in [0,1] and defines the training loss.
/// Plain heads have one raw output per channel.
/// </summary>
public abstract class Head
{
    public abstract Schema.Components.HeadConfig Config { get; }

    /// <summary>Raw outputs the network must produce for a signal with this many channels and bits.</summary>
    public virtual int RawOutputs(int channels, int bitDepth) => channels;

    /// <summary>[N, raw] → [N, channels] values in (about) [0,1].</summary>
    public abstract Tensor Values(Tensor raw);

    /// <summary>True when <see cref="Loss"/> is the MSE of the values, so PSNR follows from the loss.</summary>
    public virtual bool LossIsMse => true;

    /// <summary>Loss against target values [N, channels] in [0,1]; plain heads use the MSE of the values.</summary>
    public virtual Tensor Loss(Tensor raw, Tensor target)
    {
        using var values = Values(raw);
        return nn.functional.mse_loss(values, target);
    }
}
