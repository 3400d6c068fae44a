using NeuralFields.Core.Heads;
using static TorchSharp.torch;

namespace NeuralFields.Core.Metrics;

/// <summary>Bit error rate per plane between n-bit integer samples: the fraction of samples whose bit i differs.</summary>
public static class BitErrorRate
{
    /// <summary>Rates for int64 samples [N, channels]; index i is bit i (0 = LSB). All zero means every sample is exact.</summary>
    public static double[] PerPlane(Tensor predicted, Tensor target, int bitDepth)
    {
        if (!predicted.shape.SequenceEqual(target.shape)) throw new ArgumentException("shapes differ");
        using var scope = NewDisposeScope();
        var differing = predicted.bitwise_xor(target).reshape(predicted.shape[0], -1);
        var errors = BitPlanes.Decompose(differing, bitDepth).sum([0L, 2L], type: ScalarType.Int64);
        double count = predicted.numel();
        return errors.data<long>().ToArray().Select(e => e / count).ToArray();
    }
}
