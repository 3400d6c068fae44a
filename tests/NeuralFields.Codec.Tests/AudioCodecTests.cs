using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Signals.Audio;

namespace NeuralFields.Codec.Tests;

/// <summary>Audio neural files: the WAV format survives the round trip, PCM clips can be exact, float clips cannot.</summary>
public sealed class AudioCodecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-codec-audio-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_folder, name);

    /// <summary>Two tones and a little noise, written as a WAV clip in the given format.</summary>
    private string WriteClip(string name, AudioFormat format, int frames)
    {
        var random = new Random(3);
        var values = new float[frames * format.Channels];
        for (int i = 0; i < values.Length; i++)
        {
            double t = (double)(i / format.Channels) / format.SampleRate;
            values[i] = (float)(0.5 + 0.3 * Math.Sin(2 * Math.PI * 440 * t) + 0.1 * Math.Sin(2 * Math.PI * 1250 * t + i % format.Channels) + 0.01 * random.NextDouble());
        }
        WavFile.Save(Path(name), AudioSignal.FromValues(values, format));
        return Path(name);
    }

    private static CompressionOptions Options(bool lossless) =>
        new(CodecSignals.Siren(2, 16, learningRate: 1e-3)) { Steps = 20, Lossless = lossless };

    [Theory]
    [InlineData(8000, 1, 16)]
    [InlineData(22050, 2, 8)]
    public void Lossless_pcm_clips_decompress_to_the_same_wav_samples_and_format(int rate, int channels, int bits)
    {
        var source = WriteClip("pcm.wav", new AudioFormat(rate, channels, bits, false), 300);
        var modality = ModalityRegistry.ForSource(source);
        var loaded = modality.Load(source, new LoadOptions());
        Assert.True(loaded.Exact);
        var result = FieldCompressor.Compress(loaded.Info, loaded.Samples, Options(lossless: true), attributes: loaded.Attributes);
        Assert.Equal(NeuralFileFormat.FormatVersion, result.Header.FormatVersion);

        var decoded = FieldDecoder.Decode(result.File);
        ModalityRegistry.ForName(decoded.Info.Modality).Write(Path("back.wav"), decoded);
        var original = WavFile.Load(source);
        var back = WavFile.Load(Path("back.wav"));
        Assert.Equal(original.Format, back.Format);
        Assert.Equal(original.Codes, back.Codes);
    }

    [Fact]
    public void Lossy_clips_default_to_a_1_D_latent_grid_file()
    {
        var source = WriteClip("tones.wav", new AudioFormat(8000, 2, 16, false), 2000);
        var compress = Nf.Run("compress", source, "-o", Path("tones.nf"), "--steps", "30", "--lambda", "1e-3");
        Assert.True(compress.ExitCode == 0, compress.Error + compress.Out);
        var info = Nf.Run("info", Path("tones.nf"));
        Assert.Contains("latent grids", info.Out);
        Assert.Contains("encoding.latents.0 [2000]", info.Out);
        Assert.Equal(0, Nf.Run("decompress", Path("tones.nf"), "-o", Path("tones-back.wav")).ExitCode);
        var back = WavFile.Load(Path("tones-back.wav"));
        Assert.Equal(WavFile.Load(source).Format, back.Format);
        Assert.Equal(2000, back.Frames);
        Assert.Contains("bits/frame", compress.Out);
    }

    [Fact]
    public void Float_clips_come_back_as_float_wav_at_their_rate_and_refuse_lossless_loading_as_exact()
    {
        var source = WriteClip("float.wav", new AudioFormat(16000, 1, 32, true), 400);
        var loaded = ModalityRegistry.ForSource(source).Load(source, new LoadOptions());
        Assert.False(loaded.Exact);
        Assert.Equal(16, loaded.Info.BitDepth);
        var result = FieldCompressor.Compress(loaded.Info, loaded.Samples, Options(lossless: false), attributes: loaded.Attributes);
        var decoded = FieldDecoder.Decode(result.File);
        Assert.Equal("16000", decoded.Attributes[AudioModality.SampleRateKey]);
        ModalityRegistry.ForName("audio").Write(Path("back.wav"), decoded);
        var back = WavFile.Load(Path("back.wav"));
        Assert.Equal(new AudioFormat(16000, 1, 32, true), back.Format);
        // The float samples are the decoded 16-bit codes mapped back: within half a code step of them.
        var expected = decoded.Samples.Select(s => s / 65535.0 * 2 - 1).ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.InRange(back.Floats![i], expected[i] - 1e-6, expected[i] + 1e-6);
    }

    [Fact]
    public void Nf_compress_and_decompress_take_wav_clips()
    {
        var source = WriteClip("clip.wav", new AudioFormat(11025, 1, 16, false), 250);
        File.WriteAllText(Path("tiny.json"), """
            { "encoding": { "type": "none" },
              "network": { "type": "mlp", "hidden_layers": 2, "width": 12, "activation": { "type": "sine", "first_omega0": 300 } },
              "head": { "type": "linear", "centered": true },
              "training": { "learning_rate": 1e-3, "steps": 10 } }
            """);
        var compress = Nf.Run("compress", source, "-o", Path("clip.nf"), "--lossless", "--config", Path("tiny.json"));
        Assert.True(compress.ExitCode == 0, compress.Error + compress.Out);
        var info = Nf.Run("info", Path("clip.nf"));
        foreach (var text in new[] { "audio", "sample_rate 11025", "kbit/s", "lossless" })
            Assert.Contains(text, info.Out);
        var decompress = Nf.Run("decompress", Path("clip.nf"), "-o", Path("back.wav"));
        Assert.True(decompress.ExitCode == 0, decompress.Error);
        Assert.Equal(WavFile.Load(source).Codes, WavFile.Load(Path("back.wav")).Codes);
    }

    [Fact]
    public void Image_files_without_attributes_stay_format_version_1()
    {
        var (info, samples) = CodecSignals.Image(6, 5, 1, 8);
        var result = FieldCompressor.Compress(info, samples, Options(lossless: false));
        Assert.Equal(NeuralFileFormat.FirstFormatVersion, result.Header.FormatVersion);
        Assert.Empty(result.Header.Attributes);
    }
}
