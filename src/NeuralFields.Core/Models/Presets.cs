using System.Reflection;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;

namespace NeuralFields.Core.Models;

/// <summary>The named configs of data/configs/, embedded in this assembly.</summary>
public static class Presets
{
    private const string Prefix = "presets/";

    public static IReadOnlyList<string> Names { get; } = typeof(Presets).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^".json".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static string Json(string name)
    {
        using var stream = typeof(Presets).Assembly.GetManifestResourceStream(Prefix + name + ".json")
            ?? throw new ConfigException($"unknown preset '{name}' (known: {string.Join(", ", Names)})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static FieldConfig Load(string name) => ConfigJson.Parse(Json(name), $"preset {name}");
}
