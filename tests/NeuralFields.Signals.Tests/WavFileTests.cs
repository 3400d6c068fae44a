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

    /// <summary>A 16-bit PCM WAV whose data chunk declares <paramref name="declared"/> bytes and holds <paramref name="data"/>.</summary>
    private string Wav(string name, int channels, byte[] data, uint? declared = null)
    {
        using var bytes = new MemoryStream();
        using (var w = new BinaryWriter(bytes, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8); w.Write(36 + data.Length); w.Write("WAVE"u8);
            w.Write("fmt "u8); w.Write(16); w.Write((short)1); w.Write((short)channels); w.Write(8000); w.Write(8000 * 2 * channels);
            w.Write((short)(2 * channels)); w.Write((short)16);
            w.Write("data"u8); w.Write(declared ?? (uint)data.Length); w.Write(data);
        }
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    [Theory]
    [InlineData(1, 0, null, "holds no samples")]
    [InlineData(1, 3, null, "ends in a partial sample frame")]
    [InlineData(2, 6, null, "ends in a partial sample frame")]
    [InlineData(1, 200, 100_000u, "is truncated: its data chunk claims 100,000 bytes but the file holds 200")]
    public void Empty_partial_and_overclaiming_data_chunks_are_refused_in_one_line(int channels, int bytes, uint? declared, string expected)
    {
        var path = Wav($"bad-{channels}-{bytes}.wav", channels, Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray(), declared);
        var error = Assert.Throws<NeuralFieldsException>(() => WavFile.Load(path));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_whole_hand_written_clip_still_loads()
    {
        var path = Wav("good.wav", 2, [1, 0, 2, 0, 3, 0, 4, 0]);
        var clip = WavFile.Load(path);
        Assert.Equal(2, clip.Frames);
        Assert.Equal((2, 16), (clip.Format.Channels, clip.Format.BitsPerSample));
    }
}
