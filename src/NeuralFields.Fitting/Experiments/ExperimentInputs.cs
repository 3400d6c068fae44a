using System.Text.RegularExpressions;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Planning;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>What an experiment reads before it touches its output folder: the images of a folder and the presets it names, each checked.</summary>
public static partial class ExperimentInputs
{
    /// <summary>The image files an experiment folder may hold.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".tga", ".webp", ".gif", ".pbm"];

    /// <summary>The folder's images sorted by name (hidden files skipped), each centre-cropped to at most crop x crop; results are keyed by file name.</summary>
    public static IReadOnlyList<ExperimentImage> LoadImages(string folder, int? crop = null, int? limit = null)
    {
        if (!Directory.Exists(folder)) throw new NeuralFieldsException($"image folder not found: {Path.GetFullPath(folder)}");
        var files = new DirectoryInfo(folder).GetFiles()
            .Where(f => Extensions.Contains(f.Extension.ToLowerInvariant()) && !f.Name.StartsWith('.'))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Take(limit ?? int.MaxValue)
            .ToList();
        if (files.Count == 0) throw new NeuralFieldsException($"no images in {Path.GetFullPath(folder)} ({string.Join(", ", Extensions)})");
        var duplicate = files.GroupBy(f => Path.GetFileNameWithoutExtension(f.Name)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new NeuralFieldsException($"two images are named {duplicate.Key} ({string.Join(", ", duplicate.Select(f => f.Name))}); results are keyed by name");
        return files.Select(f =>
        {
            var image = ImageFile.Load(f.FullName);
            if (crop is int n) image = ImageCrop.Centre(image, Math.Min(n, image.Width), Math.Min(n, image.Height));
            return new ExperimentImage(Path.GetFileNameWithoutExtension(f.Name), f.FullName, image);
        }).ToList();
    }

    /// <summary>
    /// The named built-in presets; a name must not be one of the task's baselines. <c>auto</c> is nf fit's default
    /// (<see cref="AutoConfig"/>), sized for each case's input when it runs.
    /// </summary>
    public static IReadOnlyList<(string Name, FieldConfig Config)> LoadPresets(IEnumerable<string> names, RestorationTask task)
    {
        var distinct = names.Distinct().ToArray();
        if (distinct.Length == 0) throw new NeuralFieldsException("--presets names nothing");
        foreach (var n in distinct)
        {
            if (task.Baselines.Contains(n)) throw new NeuralFieldsException($"preset '{n}' has the name of a baseline");
            if (!SafeName().IsMatch(n)) throw new NeuralFieldsException($"unknown preset '{n}' (known: {string.Join(", ", Presets.Names)})");
        }
        return distinct.Select(n => (n, n == AutoConfig.Name ? Presets.Load("hashgrid") : Presets.Load(n))).ToList();
    }

    /// <summary>A plan whose every case is prepared once first, so a setting an image cannot take (too small for a scale, a mask that hides everything) is refused before any work.</summary>
    public static ExperimentPlan Plan(RestorationTask task, IReadOnlyList<ExperimentImage> images, IReadOnlyList<(string Name, FieldConfig Config)> presets,
        int? steps, long seed, int? crop, string outDir)
    {
        foreach (var image in images)
            foreach (var setting in task.Settings)
                _ = task.Prepare(image, setting, seed);
        return new ExperimentPlan(task, images, presets, steps, seed, crop, Path.GetFullPath(outDir));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeName();
}
