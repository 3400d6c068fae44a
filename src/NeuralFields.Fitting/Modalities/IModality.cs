using NeuralFields.Codec.Decoder;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Fitting.Modalities;

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
/// <param name="GridResolution">Meshes in neural files: points per axis of the signed-distance grid the network fits.</param>
public sealed record LoadOptions(AlphaMode Alpha = AlphaMode.Keep, long MaxPoints = ImageFile.DefaultMaxPixels, int GridResolution = 64)
{
    /// <summary>Meshes fitted directly: the field to fit.</summary>
    public FieldKind Field { get; init; } = FieldKind.Sdf;

    /// <summary>Meshes fitted directly: training points (half near the surface, half uniform).</summary>
    public int Samples { get; init; } = 200_000;

    /// <summary>Meshes fitted directly: grid of the extracted surface.</summary>
    public int Resolution { get; init; } = 128;

    /// <summary>Bytes reading may take; a source whose header declares more is refused before it is decoded.</summary>
    public long MemoryBudget { get; init; } = long.MaxValue;
}

/// <summary>
/// One kind of signal (image, audio, volume, shape): which source files it reads, how it is fitted
/// (<see cref="Open"/>, for <see cref="FieldFit"/>), how it is sampled on a grid for a neural file
/// (<see cref="Load"/>) and how a decoded signal is written back in its native form. The modality's
/// <see cref="Name"/> is stored in every neural file.
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

    /// <summary>The model `nf fit` uses when none is given, and its name (an exact fit needs a bit-plane model).</summary>
    (FieldConfig Config, string Name) FitConfig(FitSource source, bool lossless, long memoryBudget);

    /// <summary>The source as a signal to fit.</summary>
    FitSource Open(string path, LoadOptions options);

    /// <summary>The source's integer samples on the grid a neural file codes.</summary>
    LoadedSignal Load(string path, LoadOptions options);

    void Write(string path, DecodedSignal signal);
}

/// <summary>Helpers every modality shares.</summary>
internal static class Modality
{
    public static (FieldConfig Config, string Name) Preset(string name) => (Core.Models.Presets.Load(name), name);
}
