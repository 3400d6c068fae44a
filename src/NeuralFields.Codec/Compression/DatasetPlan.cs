using NeuralFields.Codec.Decoder;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Compression;

/// <summary>One source of a dataset and where its neural file goes.</summary>
public sealed record DatasetItem(string Source, string Output, string RelativePath, bool Done);

/// <summary>
/// The work of one shard over a folder: every file some modality reads (recursively), sorted by
/// relative path (ordinal), kept when its index modulo N is this shard's; each maps to the same
/// relative path under the output folder with ".nf" appended to the name. A neural file already there
/// counts as done only when its header and both checksums verify: files are written whole (temporary
/// file, then rename), but an empty, cut or damaged one (a full disk, another tool) is made again.
/// </summary>
public static class DatasetPlan
{
    public static IReadOnlyList<DatasetItem> For(string inputFolder, string outputFolder, Shard shard)
    {
        if (!Directory.Exists(inputFolder)) throw new NeuralFieldsException($"folder not found: {inputFolder}");
        var input = Path.GetFullPath(inputFolder);
        var output = Path.GetFullPath(outputFolder);
        var sources = Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
            .Where(f => ModalityRegistry.ForFile(f) is not null && !Path.GetFileName(f).StartsWith('.'))
            .Select(f => Path.GetRelativePath(input, f).Replace('\\', '/'))
            .Where(r => !IsInside(output, Path.Combine(input, r)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var items = new List<DatasetItem>();
        for (int i = 0; i < sources.Count; i++)
        {
            if (!shard.Owns(i)) continue;
            var target = Path.Combine(output, sources[i] + NeuralFileFormat.Extension);
            items.Add(new DatasetItem(Path.Combine(input, sources[i]), target, sources[i], Verifies(target)));
        }
        return items;
    }

    /// <summary>A whole neural file: preamble, header, sizes and both CRC-32s check (the streams are not decoded).</summary>
    private static bool Verifies(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            NeuralFileReader.ReadHeader(NeuralFileReader.LoadBytes(path));
            return true;
        }
        catch (NeuralFileException)
        {
            return false;
        }
    }

    private static bool IsInside(string folder, string path) =>
        Path.GetFullPath(path).StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
