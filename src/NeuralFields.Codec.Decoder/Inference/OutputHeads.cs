using System.Runtime.CompilerServices;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>Maps a block's raw outputs [outputs][q] to each sample's integers (and its values in [0,1]).</summary>
internal abstract class OutputHead
{
    private static readonly ImplementationCatalog<OutputHead> Catalog = new(typeof(OutputHead).Assembly, Backend.Decoder, typeof(HeadConfig));

    public static IReadOnlyCollection<Type> ImplementedTypes => Catalog.ConfigTypes;

    public static OutputHead Create(HeadConfig config, SignalInfo signal) => Catalog.Create(config, signal);

    /// <summary>Sample <paramref name="sample"/> of the block, channel <paramref name="channel"/>: its integer, and its value in [0,1].</summary>
    public abstract (int Integer, float Value) Map(float[] raw, int q, int sample, int channel);
}

/// <summary>Linear (centred: 2v − 1) and sigmoid outputs, one per channel; the value rounds to the integer.</summary>
[Computes(typeof(LinearHeadConfig))]
[Computes(typeof(SigmoidHeadConfig))]
internal sealed class ValueHead : OutputHead
{
    private readonly Func<float, float> _value;
    private readonly int _max;

    public ValueHead(LinearHeadConfig config, SignalInfo signal) : this(config.Centered ? z => (z + 1f) * 0.5f : z => z, signal) { }

    public ValueHead(SigmoidHeadConfig config, SignalInfo signal) : this(Kernels.Sigmoid, signal) { }

    private ValueHead(Func<float, float> value, SignalInfo signal) => (_value, _max) = (value, signal.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override (int Integer, float Value) Map(float[] raw, int q, int sample, int channel)
    {
        float v = _value(raw[channel * q + sample]);
        return (FieldEvaluator.Quantize(v, _max), v);
    }
}

/// <summary>
/// Bit planes: bit i of a sample is set where its logit is above 0. One query per sample holds every plane
/// ([bits, channels] outputs), or (bit coordinate) each plane is its own query with one output per channel.
/// </summary>
[Computes(typeof(BitPlaneHeadConfig))]
[Computes(typeof(BitPlaneCoordinateHeadConfig))]
internal sealed class BitPlaneOutputHead : OutputHead
{
    private readonly bool _planeQueries;
    private readonly int _bits, _channels, _max;

    public BitPlaneOutputHead(BitPlaneHeadConfig config, SignalInfo signal) : this(false, signal) { }

    public BitPlaneOutputHead(BitPlaneCoordinateHeadConfig config, SignalInfo signal) : this(true, signal) { }

    private BitPlaneOutputHead(bool planeQueries, SignalInfo signal) =>
        (_planeQueries, _bits, _channels, _max) = (planeQueries, signal.BitDepth, signal.Channels, signal.MaxValue);

    public override (int Integer, float Value) Map(float[] raw, int q, int sample, int channel)
    {
        int value = 0;
        for (int bit = 0; bit < _bits; bit++)
        {
            float logit = _planeQueries ? raw[channel * q + sample * _bits + bit] : raw[(bit * _channels + channel) * q + sample];
            if (logit > 0f) value |= 1 << bit;
        }
        return (value, value * (1f / _max));
    }
}
