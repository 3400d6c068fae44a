using static TorchSharp.torch;

namespace NeuralFields.Core.Heads;

/// <summary>
/// Integer samples as bit planes: I = Σ 2^i b_i with bit 0 the LSB. Planes sit on axis 1 of
/// [N, bits, channels] tensors, the layout of bit-plane heads' raw outputs.
/// </summary>
public static class BitPlanes
{
    /// <summary>Values in [0,1] → int64 integers round(v·(2^n − 1)); exact for values made from n-bit samples.</summary>
    public static Tensor Quantize(Tensor values, int bitDepth)
    {
        using var clean = values.nan_to_num(0);
        using var clamped = clean.clamp(0, 1);
        using var scaled = clamped.mul((1L << bitDepth) - 1);
        using var rounded = scaled.round_();   // half to even, as ImageSignal.FromValues
        return rounded.to(ScalarType.Int64);
    }

    /// <summary>[N, channels] integers → [N, bits, channels] bits (int64 0/1), bit 0 first.</summary>
    public static Tensor Decompose(Tensor integers, int bitDepth)
    {
        using var shifts = arange(bitDepth, dtype: ScalarType.Int64, device: integers.device).reshape(1, bitDepth, 1);
        using var wide = integers.to(ScalarType.Int64).unsqueeze(1);
        using var shifted = wide.bitwise_right_shift(shifts);
        return shifted.bitwise_and(1);
    }

    /// <summary>[N, bits, channels] bits (bool or 0/1) → [N, channels] int64 integers Σ 2^i b_i, exact.</summary>
    public static Tensor Recompose(Tensor bits)
    {
        long planes = bits.shape[1];
        using var shifts = arange(planes, dtype: ScalarType.Int64, device: bits.device).reshape(1, planes, 1);
        using var wide = bits.to(ScalarType.Int64);
        using var weighted = wide.bitwise_left_shift(shifts);
        return weighted.sum(1, type: ScalarType.Int64);
    }

    /// <summary>The paper's bit coordinates: linspace(-1, 1, n), bit 0 (LSB) at -1 and the MSB at +1.</summary>
    public static Tensor Coordinates(int bitDepth, ScalarType dtype = ScalarType.Float32, Device? device = null) =>
        bitDepth == 1 ? full(1, -1.0, dtype: dtype, device: device) : linspace(-1, 1, bitDepth, dtype: dtype, device: device);
}
