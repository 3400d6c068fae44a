using NeuralFields.Schema;

namespace NeuralFields.Signals.Image;

/// <summary>
/// An image as integer samples of its source bit depth, row-major [height, width, channels].
/// Keeping integers (not floats) makes 16-bit round trips and bit-plane work exact.
/// </summary>
public sealed class ImageSignal
{
    public ImageSignal(int width, int height, int channels, int bitDepth, ushort[] samples)
    {
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels));
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth));
        if (samples.Length != (long)width * height * channels) throw new ArgumentException("sample count does not match the size");
        (Width, Height, Channels, BitDepth, Samples) = (width, height, channels, bitDepth, samples);
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels { get; }
    public int BitDepth { get; }
    public ushort[] Samples { get; }

    public int MaxValue => (1 << BitDepth) - 1;

    public SignalInfo Info => new("image", [Height, Width], Channels, BitDepth);

    /// <summary>Samples scaled to [0,1] (exact for 16 bits: float has 24 mantissa bits).</summary>
    public float[] Values()
    {
        var values = new float[Samples.Length];
        float scale = 1f / MaxValue;
        for (int i = 0; i < values.Length; i++) values[i] = Samples[i] * scale;
        return values;
    }

    /// <summary>Quantises values in [0,1] (clamped) to the given bit depth by rounding.</summary>
    public static ImageSignal FromValues(ReadOnlySpan<float> values, int width, int height, int channels, int bitDepth)
    {
        int max = (1 << bitDepth) - 1;
        var samples = new ushort[values.Length];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = Quantize(values[i], max);
        return new ImageSignal(width, height, channels, bitDepth, samples);
    }

    /// <summary>A value in [0,1] (clamped; NaN as 0) as the integer of full scale <paramref name="max"/>, rounded half to even.</summary>
    public static ushort Quantize(float value, int max)
    {
        float v = float.IsNaN(value) ? 0 : Math.Clamp(value, 0f, 1f);
        return (ushort)Math.Round(v * max, MidpointRounding.ToEven);
    }
}
