using System.Text.Json;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// Keeps every finished cell in the output folder, cells/IMAGE/SETTING/METHOD.{png,json}, so an
/// interrupted experiment resumes where it stopped: the output image is written first and the JSON
/// last (both atomically), and a cell counts as done only when both exist and its fingerprint matches.
/// </summary>
public sealed class CellStore(string outDir)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new Output.MetricsJson.DoubleConverter() },   // an exact output has PSNR infinity, written "inf" as in metrics.json
        WriteIndented = true,
    };

    private string Folder(ExperimentCase c) => Path.Combine(outDir, "cells", c.Image, c.Setting.Slug);

    public string OutputPath(ExperimentCase c, string method) => Path.Combine(Folder(c), method + ".png");

    private string ResultPath(ExperimentCase c, string method) => Path.Combine(Folder(c), method + ".json");

    /// <summary>The saved cell and its output, or null when it is missing, unreadable or from another case or setup.</summary>
    public (CellResult Result, ImageSignal Output)? TryLoad(ExperimentCase c, string method, string fingerprint)
    {
        string json = ResultPath(c, method), png = OutputPath(c, method);
        if (!File.Exists(json) || !File.Exists(png)) return null;
        try
        {
            var result = JsonSerializer.Deserialize<CellResult>(File.ReadAllText(json), Json);
            if (result is null || result.Fingerprint != fingerprint) return null;
            var output = ImageFile.Load(png);
            return output.Width == c.Truth.Width && output.Height == c.Truth.Height ? (result, output) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or Schema.NeuralFieldsException)
        {
            return null;   // a damaged cell is simply recomputed
        }
    }

    public void Save(ExperimentCase c, CellResult result, ImageSignal output)
    {
        Directory.CreateDirectory(Folder(c));
        ImageFile.SavePng(OutputPath(c, result.Method), output);
        AtomicFile.WriteAllText(ResultPath(c, result.Method), JsonSerializer.Serialize(result, Json));
    }
}
