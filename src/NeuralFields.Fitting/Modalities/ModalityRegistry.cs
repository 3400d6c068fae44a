using NeuralFields.Schema;

namespace NeuralFields.Fitting.Modalities;

/// <summary>The modalities neural files support, each with its reader and writer.</summary>
public static class ModalityRegistry
{
    public static IReadOnlyList<IModality> All { get; } = [new ImageModality(), new AudioModality(), new VolumeModality(), new ShapeModality()];

    /// <summary>The modality that reads this source file, by extension; null when none does.</summary>
    public static IModality? ForFile(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return All.FirstOrDefault(m => m.Extensions.Contains(extension));
    }

    public static IModality ForSource(string path) => ForFile(path)
        ?? throw new NeuralFieldsException($"{path}: no neural-file modality reads '{Path.GetExtension(path)}' files (known: {string.Join(", ", All.SelectMany(m => m.Extensions))})");

    /// <summary>The modality that fits <paramref name="path"/>: by extension, and images otherwise (ImageSharp knows a format by its bytes).</summary>
    public static IModality ForFitting(string path) => ForFile(path) ?? All[0];

    /// <summary>The signal in <paramref name="path"/>, ready for <see cref="FieldFit.Run"/>; bad input gives one error line.</summary>
    public static FitSource Open(string path, LoadOptions? options = null) => ForFitting(path).Open(path, options ?? new LoadOptions());

    /// <summary>The writer for a modality stored in a file.</summary>
    public static IModality ForName(string name) => All.FirstOrDefault(m => m.Name == name)
        ?? throw new NeuralFieldsException($"this nf cannot write decoded '{name}' signals (it writes: {string.Join(", ", All.Select(m => m.Name))})");
}
