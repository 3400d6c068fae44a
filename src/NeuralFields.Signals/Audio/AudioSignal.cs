using NeuralFields.Schema;

namespace NeuralFields.Signals.Audio;

/// <summary>How a WAV file stores its samples; kept so the file is written back in its own format.</summary>
public sealed record AudioFormat(int SampleRate, int Channels, int BitsPerSample, bool IsFloat);

/// <summary>
/// A clip as interleaved samples [time, channel]. Integer PCM keeps its exact codes as unsigned
/// integers u = code + 2^(b−1) in [0, 2^b − 1] (8-bit WAV is already unsigned), so bit-plane heads and
/// lossless coding see the same n-bit integers images give them; float clips keep their values.
/// </summary>
public sealed class AudioSignal
{
    public AudioSignal(AudioFormat format, long frames, uint[]? codes, float[]? floats)
    {
        if ((codes is null) == (floats is null)) throw new ArgumentException("give either integer codes or float samples");
        if ((codes?.LongLength ?? floats!.LongLength) != frames * format.Channels) throw new ArgumentException("sample count does not match");
        (Format, Frames, Codes, Floats) = (format, frames, codes, floats);
    }

    public AudioFormat Format { get; }
    public long Frames { get; }
    /// <summary>Unsigned PCM codes (integer formats), else null.</summary>
    public uint[]? Codes { get; }
    /// <summary>Float samples (float formats), else null.</summary>
    public float[]? Floats { get; }

    public double Seconds => (double)Frames / Format.SampleRate;

    public SignalInfo Info => new("audio", [checked((int)Frames)], Format.Channels, Format.BitsPerSample) { FloatingPoint = Format.IsFloat };

    /// <summary>Samples mapped to [0,1]: u / (2^b − 1) for PCM, (a + 1)/2 (clipped to [−1,1]) for float.</summary>
    public float[] Values()
    {
        var values = new float[Frames * Format.Channels];
        for (long i = 0; i < values.LongLength; i++) values[i] = Value(i);
        return values;
    }

    /// <summary>Sample <paramref name="i"/> (interleaved) of <see cref="Values"/>, without the copy.</summary>
    public float Value(long i) => Codes is not null
        ? (float)(Codes[i] / (double)((1L << Format.BitsPerSample) - 1))
        : (Math.Clamp(Floats![i], -1f, 1f) + 1f) * 0.5f;

    /// <summary>Amplitudes in [−1,1] (PCM codes centred and scaled by 2^(b−1)).</summary>
    public float[] Amplitudes()
    {
        if (Floats is not null) return (float[])Floats.Clone();
        var values = new float[Codes!.LongLength];
        for (long i = 0; i < values.LongLength; i++) values[i] = Amplitude(i);
        return values;
    }

    /// <summary>Sample <paramref name="i"/> (interleaved) of <see cref="Amplitudes"/>, without the copy.</summary>
    public float Amplitude(long i)
    {
        if (Floats is not null) return Floats[i];
        double half = 1L << (Format.BitsPerSample - 1);
        return (float)((Codes![i] - half) / half);
    }

    /// <summary>Turns values in [0,1] back into this format (rounded codes for PCM).</summary>
    public static AudioSignal FromValues(ReadOnlySpan<float> values, AudioFormat format)
    {
        long frames = values.Length / format.Channels;
        if (format.IsFloat)
        {
            var floats = new float[values.Length];
            for (int i = 0; i < floats.Length; i++) floats[i] = Math.Clamp(values[i], 0f, 1f) * 2f - 1f;
            return new AudioSignal(format, frames, null, floats);
        }
        long max = (1L << format.BitsPerSample) - 1;
        var codes = new uint[values.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            float v = float.IsNaN(values[i]) ? 0.5f : Math.Clamp(values[i], 0f, 1f);
            codes[i] = (uint)Math.Round(v * (double)max, MidpointRounding.ToEven);
        }
        return new AudioSignal(format, frames, codes, null);
    }
}
