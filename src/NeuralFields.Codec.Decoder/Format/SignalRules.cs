using System.Globalization;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder;

/// <summary>
/// What the signal of each known modality and its attributes must agree on (format §2), checked when a
/// file is read: checksums only say the bytes are the ones written, so a crafted file with valid CRCs
/// could otherwise make a writer produce garbage (a "12-bit" WAV of 1-byte samples, 16-bit samples
/// written as 8-bit). Attributes a version-1 file lacks are the writer's to report; modalities this
/// decoder does not know are left to their own writers.
/// </summary>
public static class SignalRules
{
    public const string SampleRateKey = "sample_rate", WavBitsKey = "wav_bits", WavFormatKey = "wav_format";
    public const string VolumeTypeKey = "volume_type", MinimumKey = "minimum", MaximumKey = "maximum";
    public const string CentreKey = "centre", ScaleKey = "scale", TruncationKey = "truncation";

    /// <summary>Highest sample rate a WAV header of this project holds (2^24 Hz).</summary>
    public const int MaxSampleRate = 1 << 24;

    /// <summary>For readers: a file whose signal and attributes disagree is damaged.</summary>
    public static void Require(SignalInfo signal, IReadOnlyDictionary<string, string> attributes)
    {
        if (Problem(signal, attributes) is string problem)
            throw new NeuralFileException($"the file is damaged: its {signal.Modality} signal is inconsistent ({problem})");
    }

    /// <summary>What disagrees, in words; null when nothing does.</summary>
    public static string? Problem(SignalInfo signal, IReadOnlyDictionary<string, string> attributes) => signal.Modality switch
    {
        "image" => Image(signal),
        "audio" => Audio(signal, attributes),
        "volume" => Volume(signal, attributes),
        "shape" => Shape(signal, attributes),
        _ => null,
    };

    private static string? Image(SignalInfo s) =>
        s.Dimensions.Length != 2 ? $"{s.Dimensions.Length} axes where an image has 2"
        : s.Channels > 4 ? $"{s.Channels} channels where an image has 1 to 4"
        : s.BitDepth is not (8 or 16) ? $"{s.BitDepth}-bit samples where an image has 8 or 16"
        : null;

    private static string? Audio(SignalInfo s, IReadOnlyDictionary<string, string> a)
    {
        if (s.Dimensions.Length != 1) return $"{s.Dimensions.Length} axes where a clip has 1";
        if (s.Channels > 8) return $"{s.Channels} channels where a WAV clip has 1 to 8";
        if (!a.ContainsKey(SampleRateKey) && !a.ContainsKey(WavBitsKey) && !a.ContainsKey(WavFormatKey)) return null;
        if (!(Integer(a, SampleRateKey) is int rate && rate is >= 1 and <= MaxSampleRate))
            return $"{SampleRateKey} '{Value(a, SampleRateKey)}' is not a whole number of Hz from 1 to {MaxSampleRate}";
        if (!(Integer(a, WavBitsKey) is int bits && bits is 8 or 16 or 24 or 32))
            return $"{WavBitsKey} '{Value(a, WavBitsKey)}' is not 8, 16, 24 or 32";
        if (Value(a, WavFormatKey) is not ("pcm" or "float"))
            return $"{WavFormatKey} '{Value(a, WavFormatKey)}' is neither 'pcm' nor 'float'";
        bool isFloat = a[WavFormatKey] == "float";
        if (isFloat && bits != 32) return $"float samples of {bits} bits; float WAV is 32-bit";
        // PCM of at most 16 bits is stored as its own codes; wider PCM and float on the 16-bit grid.
        int stored = isFloat ? 16 : Math.Min(bits, 16);
        return s.BitDepth == stored ? null : $"{s.BitDepth}-bit samples for {(isFloat ? "float" : "PCM")} {bits}-bit WAV, which is stored as {stored}-bit";
    }

    private static string? Volume(SignalInfo s, IReadOnlyDictionary<string, string> a)
    {
        if (s.Dimensions.Length != 3) return $"{s.Dimensions.Length} axes where a volume has 3";
        if (s.Channels > 4) return $"{s.Channels} channels where a raw volume has 1 to 4";
        if (!a.TryGetValue(VolumeTypeKey, out var type)) return null;
        int? bits = type switch { "uint8" => 8, "uint16" or "float32" => 16, _ => null };
        if (bits is null) return $"{VolumeTypeKey} '{type}' is not uint8, uint16 or float32";
        if (s.BitDepth != bits) return $"{s.BitDepth}-bit samples for a {type} volume, which is stored as {bits}-bit";
        if (type == "float32"
            && !(AttributeNumbers.TryRead(a, MinimumKey, 1, out var low) && AttributeNumbers.TryRead(a, MaximumKey, 1, out var high) && low[0] <= high[0]))
            return $"a float32 volume needs finite {MinimumKey} <= {MaximumKey}";
        return null;
    }

    private static string? Shape(SignalInfo s, IReadOnlyDictionary<string, string> a)
    {
        var d = s.Dimensions;
        if (d.Length != 3 || d[0] != d[1] || d[1] != d[2]) return $"a {string.Join("x", d)} grid where a shape has a cubic one";
        if (s.Channels != 1 || s.BitDepth != 16) return $"{s.Channels} channel(s) of {s.BitDepth} bits where a shape has one of 16";
        if (a.Count == 0) return null;
        return AttributeNumbers.TryRead(a, CentreKey, 3, out _) && AttributeNumbers.TryRead(a, ScaleKey, 1, out var scale) && scale[0] > 0
               && AttributeNumbers.TryRead(a, TruncationKey, 1, out var truncation) && truncation[0] > 0
            ? null
            : $"{CentreKey} needs three finite numbers, {ScaleKey} and {TruncationKey} one positive number each";
    }

    private static string Value(IReadOnlyDictionary<string, string> a, string key) => a.TryGetValue(key, out var v) ? v : "(missing)";

    private static int? Integer(IReadOnlyDictionary<string, string> a, string key) =>
        a.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
}
