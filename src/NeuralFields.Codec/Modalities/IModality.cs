using NeuralFields.Codec.Decoder;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Codec.Modalities;

/// <summary>Integer samples of a source file, grid order with channels interleaved.</summary>
public sealed record LoadedSignal(SignalInfo Info, ushort[] Samples)
{
    /// <summary>Stored in the file for the modality's writer (audio: sample rate and WAV format).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = SignalAttributes.None;

    /// <summary>False when the samples are a rounding of the source (float or 24-bit audio): no lossless file can be made.</summary>
    public bool Exact { get; init; } = true;

    /// <summary>The source's own format in words, for messages ("44100 Hz, 1 channel(s), float 32-bit").</summary>
    public string? Description { get; init; }
}

/// <summary>How sources are read (what applies depends on the modality).</summary>
/// <param name="GridResolution">Meshes: points per axis of the signed-distance grid the network fits.</param>
public sealed record LoadOptions(AlphaMode Alpha = AlphaMode.Keep, long MaxPoints = ImageFile.DefaultMaxPixels, int GridResolution = 64);

/// <summary>
/// One kind of signal a neural file can hold: which source files it reads, and how a decoded signal
/// is written back in its native form. The modality's <see cref="Name"/> is stored in every file.
/// </summary>
public interface IModality
{
    string Name { get; }

    /// <summary>Source file extensions, lower case with the dot.</summary>
    IReadOnlyList<string> Extensions { get; }

    /// <summary>Extension of the decoded output (".png").</summary>
    string OutputExtension { get; }

    /// <summary>The preset `nf compress` uses when none is given.</summary>
    string DefaultPreset { get; }

    LoadedSignal Load(string path, LoadOptions options);

    void Write(string path, DecodedSignal signal);
}
