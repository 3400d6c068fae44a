using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralFields.Schema.Serialization;

/// <summary>Reads and writes <see cref="FieldConfig"/> as snake_case JSON; unknown fields are errors.</summary>
public static class ConfigJson
{
    public static readonly JsonSerializerOptions Options = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            RespectNullableAnnotations = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new ComponentConverterFactory());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static string Serialize(FieldConfig config) => JsonSerializer.Serialize(config, Options);

    /// <summary>Parses and validates; every problem becomes a <see cref="ConfigException"/>.</summary>
    public static FieldConfig Parse(string json, string source = "config")
    {
        FieldConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<FieldConfig>(json, Options);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"{source}: {e.Message}");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{source}: {JsonErrors.Explain(e)}");
        }
        if (config is null)
            throw new ConfigException($"{source}: empty config");
        try
        {
            config.Validate();
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"{source}: {e.Message}");
        }
        return config;
    }

    public static FieldConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralFieldsException($"cannot read config {path}: {e.Message}");
        }
        return Parse(text, path);
    }
}
