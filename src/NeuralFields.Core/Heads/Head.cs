using static TorchSharp.torch;

namespace NeuralFields.Core.Heads;

/// <summary>
/// Turns raw network outputs into signal values in [0,1] and defines the training loss.
/// Plain heads have one raw output per channel.
/// </summary>
public abstract class Head(Schema.Components.HeadConfig config, int channels, int bitDepth)
{
    public Schema.Components.HeadConfig Config => config;

    /// <summary>Channels of the signal's samples.</summary>
    public int Channels => channels;

    /// <summary>Bits of the signal's integer samples.</summary>
    public int BitDepth => bitDepth;

    /// <summary>Raw outputs per sample; the network gives RawOutputs / <see cref="QueriesPerSample"/> of them per query.</summary>
    public int RawOutputs => config.RawOutputs(channels, bitDepth);

    /// <summary>Input coordinates the head adds to every query (the bit index of the paper's bit-plane form).</summary>
    public int ExtraCoordinates => config.ExtraCoordinates();

    /// <summary>Network queries per sample: 1, or n when each of n bit planes is its own query.</summary>
    public int QueriesPerSample => config.QueriesPerSample(bitDepth);

    /// <summary>[N, dims] coordinates → [N·QueriesPerSample, dims + ExtraCoordinates] queries, sample-major.</summary>
    public virtual Tensor Queries(Tensor coordinates) => coordinates.alias();

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
