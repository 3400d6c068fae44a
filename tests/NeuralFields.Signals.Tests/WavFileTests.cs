using NeuralFields.Schema;
using NeuralFields.Signals.Audio;

namespace NeuralFields.Signals.Tests;

public sealed class WavFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-wav-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(8, 1)]
    [InlineData(16, 1)]
    [InlineData(16, 2)]
    [InlineData(24, 1)]
    [InlineData(24, 2)]
    [InlineData(32, 2)]
    public void Pcm_round_trip_is_exact(int bits, int channels)
    {
        var format = new AudioFormat(22050, channels, bits, false);
        long frames = 300;
        var random = new Random(bits * 10 + channels);
        var codes = new uint[frames * channels];
        ulong max = (1UL << bits) - 1;
        for (int i = 0; i < codes.Length; i++) codes[i] = (uint)(random.NextInt64(0, (long)max + 1));
        codes[0] = 0;
        codes[1] = (uint)max;
        var path = Path.Combine(_folder, $"pcm{bits}-{channels}.wav");
        WavFile.Save(path, new AudioSignal(format, frames, codes, null));
        var back = WavFile.Load(path);
        Assert.Equal(format, back.Format);
        Assert.Equal(codes, back.Codes);
    }

    [Fact]
    public void Float_round_trip_is_exact_and_keeps_the_format()
    {
        var format = new AudioFormat(44100, 2, 32, true);
        var floats = Enumerable.Range(0, 400).Select(i => (float)Math.Sin(i * 0.1) * 0.9f).ToArray();
        var path = Path.Combine(_folder, "float.wav");
        WavFile.Save(path, new AudioSignal(format, 200, null, floats));
        var back = WavFile.Load(path);
        Assert.Equal(format, back.Format);
        Assert.Equal(floats, back.Floats);
    }

    [Fact]
    public void Sixteen_bit_codes_map_to_values_and_back_exactly()
    {
        var format = new AudioFormat(8000, 1, 16, false);
        var codes = Enumerable.Range(0, 65536).Select(i => (uint)i).ToArray();
        var signal = new AudioSignal(format, codes.Length, codes, null);
        Assert.Equal(codes, AudioSignal.FromValues(signal.Values(), format).Codes);
        var amplitudes = signal.Amplitudes();
        Assert.Equal(-1f, amplitudes[0]);          // code −32768
        Assert.Equal(0f, amplitudes[32768]);       // code 0
    }

    [Fact]
    public void Bad_wav_files_give_clear_errors()
    {
        Assert.Contains("not found", Assert.Throws<NeuralFieldsException>(() => WavFile.Load(Path.Combine(_folder, "none.wav"))).Message);
        var text = Path.Combine(_folder, "text.wav");
        File.WriteAllText(text, "RIFF but not really a wave file at all");
        Assert.Throws<NeuralFieldsException>(() => WavFile.Load(text));
    }
}
