using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NeuralFields.Schema.Components;

namespace NeuralFields.Schema.Serialization;

/// <summary>
/// Reads and writes a component base type (encoding, network, ...) as a JSON object whose "type"
/// names the registered config class. Gives one readable message for every way the JSON can be wrong.
/// </summary>
internal sealed class ComponentConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => ComponentRegistry.IsComponentBase(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ComponentConverter<>).MakeGenericType(typeToConvert))!;
}

internal sealed class ComponentConverter<TBase> : JsonConverter<TBase> where TBase : ComponentConfig
{
    private static readonly string Kind = ComponentRegistry.KindOf(typeof(TBase));

    public override TBase Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var node = JsonNode.Parse(ref reader) as JsonObject
            ?? throw new ConfigException($"{Kind} must be a JSON object with a \"type\"");
        JsonNode? typeNode;
        try
        {
            node.TryGetPropertyValue("type", out typeNode);          // a JsonObject builds its dictionary here
        }
        catch (ArgumentException)
        {
            throw new ConfigException($"{Kind} gives a field twice");  // found by fuzzing: was an internal failure
        }
        if (typeNode is not JsonValue typeValue || !typeValue.TryGetValue(out string? name))
        {
            var known = string.Join(", ", ComponentRegistry.OfKind(Kind).Select(e => e.Name));
            throw new ConfigException($"{Kind} is missing its \"type\" (one of: {known})");
        }
        var entry = ComponentRegistry.Find(Kind, name);
        node.Remove("type");
        try
        {
            return (TBase)(node.Deserialize(entry.ConfigType, options)
                ?? throw new ConfigException($"{Kind} '{name}' is empty"));
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{Kind} '{name}': {JsonErrors.Explain(e)}");
        }
    }

    public override void Write(Utf8JsonWriter writer, TBase value, JsonSerializerOptions options)
    {
        var entry = ComponentRegistry.Describe(value);
        var body = JsonSerializer.SerializeToNode(value, entry.ConfigType, options)!.AsObject();
        var ordered = new JsonObject { ["type"] = entry.Name };
        foreach (var (key, child) in body.ToList())
        {
            body.Remove(key);
            ordered[key] = child;
        }
        ordered.WriteTo(writer, options);
    }
}
