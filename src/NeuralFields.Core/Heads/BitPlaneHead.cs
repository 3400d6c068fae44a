using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Heads;

/// <summary>
/// Lossless head (Han et al., CVPR 2025): logits of every bit plane of n-bit samples, BCE against the
/// bits of the targets, decoding by thresholding each logit at 0 and recomposing Σ 2^i b_i exactly.
/// Raw outputs are [N, bits·channels] laid out [N, bits, channels], bit 0 (LSB) first, in both forms:
/// with <see cref="BitCoordinate"/> each sample becomes n queries (x, b_i) of one logit per channel.
/// </summary>
[Computes(typeof(BitPlaneHeadConfig))]
[Computes(typeof(BitPlaneCoordinateHeadConfig))]
public sealed class BitPlaneHead : Head
{
    public BitPlaneHead(BitPlaneHeadConfig config, int channels, int bitDepth) : this((HeadConfig)config, channels, bitDepth) { }

    public BitPlaneHead(BitPlaneCoordinateHeadConfig config, int channels, int bitDepth) : this((HeadConfig)config, channels, bitDepth) { }

    private BitPlaneHead(HeadConfig config, int channels, int bitDepth) : base(config, channels, bitDepth)
    {
        if (bitDepth is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(bitDepth));
    }

    /// <summary>True for the paper's form: the bit index is an input coordinate.</summary>
    public bool BitCoordinate => ExtraCoordinates == 1;

    public long MaxValue => (1L << BitDepth) - 1;

    public override Tensor Queries(Tensor coordinates)
    {
        if (!BitCoordinate) return coordinates.alias();
        using var repeated = coordinates.repeat_interleave(BitDepth, dim: 0);
        using var bits = BitPlanes.Coordinates(BitDepth, coordinates.dtype, coordinates.device);
        using var tiled = bits.repeat(coordinates.shape[0]).unsqueeze(1);
        return cat([repeated, tiled], 1);
    }

    public override bool LossIsMse => false;

    /// <summary>[N, raw] logits → [N, channels] int64 samples, exact: bit i is set where its logit is above 0.</summary>
    public Tensor Integers(Tensor raw)
    {
        using var planes = Planes(raw);
        using var bits = planes.gt(0);
        return BitPlanes.Recompose(bits);
    }

    /// <summary>Integers times 1/(2^n − 1) in float32, the very values ImageSignal.Values gives for the same samples.</summary>
    public override Tensor Values(Tensor raw)
    {
        using var integers = Integers(raw);
        var values = integers.to(raw.dtype);
        return values.mul_(1f / MaxValue);
    }

    /// <summary>Mean BCE over every bit; targets are values in [0,1], quantised back to n-bit integers.</summary>
    public override Tensor Loss(Tensor raw, Tensor target)
    {
        using var planes = Planes(raw);
        using var integers = BitPlanes.Quantize(target, BitDepth);
        using var bits = BitPlanes.Decompose(integers, BitDepth);
        using var bitTargets = bits.to(raw.dtype);
        return nn.functional.binary_cross_entropy_with_logits(planes, bitTargets);
    }

    private Tensor Planes(Tensor raw) => raw.reshape(raw.shape[0], BitDepth, Channels);
}
