using System.Globalization;
using NeuralFields.Codec.Decoder;
using NeuralFields.Schema;
using NeuralFields.Signals.Audio;

namespace NeuralFields.Fitting.Modalities;

/// <summary>
/// WAV clips. PCM of at most 16 bits is stored as its own unsigned codes (exact, so lossless files
/// are possible); 24/32-bit PCM and float clips are rounded to 16-bit codes (lossy only). The WAV
/// format is kept in the file's attributes, so decompression writes the source's own format back.
/// </summary>
public sealed class AudioModality : IModality
{
    public const string SampleRateKey = SignalRules.SampleRateKey, WavBitsKey = SignalRules.WavBitsKey, WavFormatKey = SignalRules.WavFormatKey;

    /// <summary>Bits of the integer grid every clip is modelled on when its own codes are wider or float.</summary>
    public const int ModelBits = 16;

    public string Name => "audio";

    public IReadOnlyList<string> Extensions { get; } = [".wav"];

    public string OutputExtension => ".wav";

    public string DefaultPreset => "audio-siren";

    /// <summary>A hash grid sized for the clip (<see cref="Planning.AutoConfig"/>), as images get; exact fits take the bit-plane SIREN.</summary>
    public (FieldConfig Config, string Name) FitConfig(FitSource source, bool lossless, long memoryBudget) =>
        lossless ? Modality.Preset("audio-lossless") : (Planning.AutoConfig.For(source.Info, memoryBudget), Planning.AutoConfig.Name);

    public FitSource Open(string path, LoadOptions options) => new Sources.AudioSource(WavFile.Load(path, options.MaxPoints), Path.GetFullPath(path));

    public LoadedSignal Load(string path, LoadOptions options)
    {
        var clip = WavFile.Load(path, options.MaxPoints);
        var format = clip.Format;
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [SampleRateKey] = format.SampleRate.ToString(CultureInfo.InvariantCulture),
            [WavBitsKey] = format.BitsPerSample.ToString(CultureInfo.InvariantCulture),
            [WavFormatKey] = format.IsFloat ? "float" : "pcm",
        };
        var info = new SignalInfo(Name, [checked((int)clip.Frames)], format.Channels, Math.Min(format.BitsPerSample, ModelBits));
        bool exact = !format.IsFloat && format.BitsPerSample <= ModelBits;
        var samples = new ushort[clip.Frames * format.Channels];
        if (exact)
        {
            for (long i = 0; i < samples.LongLength; i++) samples[i] = (ushort)clip.Codes![i];
        }
        else
        {
            // Float clips and wide PCM: the [0,1] values of the clip on a 16-bit grid, rounded to nearest.
            var values = clip.Values();
            for (long i = 0; i < samples.LongLength; i++)
                samples[i] = (ushort)Math.Round(values[i] * (double)ushort.MaxValue, MidpointRounding.ToEven);
        }
        return new LoadedSignal(info, samples) { Attributes = attributes, Exact = exact, Description = Describe(format) };
    }

    public void Write(string path, DecodedSignal signal)
    {
        var info = signal.Info;
        if (info.Dimensions.Length != 1)
            throw new NeuralFieldsException($"this audio signal has {info.Dimensions.Length} axes; a WAV clip has one");
        var format = new AudioFormat(Integer(signal, SampleRateKey, 1, 1 << 24), info.Channels,
            Integer(signal, WavBitsKey, 8, 32), Text(signal, WavFormatKey) switch
            {
                "float" => true,
                "pcm" => false,
                var other => throw new NeuralFieldsException($"the file's audio format '{other}' is neither 'pcm' nor 'float'"),
            });
        long frames = info.Dimensions[0];
        if (!format.IsFloat && format.BitsPerSample == info.BitDepth)
        {
            WavFile.Save(path, new AudioSignal(format, frames, signal.Samples.Select(s => (uint)s).ToArray(), null));
            return;
        }
        float scale = 1f / info.MaxValue;
        var values = signal.Samples.Select(s => s * scale).ToArray();
        WavFile.Save(path, AudioSignal.FromValues(values, format));
    }

    private static string Describe(AudioFormat f) =>
        $"{f.SampleRate} Hz, {f.Channels} channel(s), {(f.IsFloat ? "float" : "PCM")} {f.BitsPerSample}-bit";

    private static string Text(DecodedSignal signal, string key) => signal.Attributes.TryGetValue(key, out var value)
        ? value
        : throw new NeuralFieldsException($"the file lacks the audio attribute '{key}' a WAV writer needs");

    private static int Integer(DecodedSignal signal, string key, int min, int max) =>
        int.TryParse(Text(signal, key), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new NeuralFieldsException($"the file's audio attribute {key} = '{signal.Attributes[key]}' is not between {min} and {max}");
}
