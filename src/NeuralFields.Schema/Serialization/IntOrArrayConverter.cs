using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralFields.Schema.Serialization;

/// <summary>Reads an int[] written either as one number or as a list; writes one value back as a number.</summary>
internal sealed class IntOrArrayConverter : JsonConverter<int[]>
{
    public override int[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
            return [ReadInt(ref reader)];
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException();
        var values = new List<int>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(ReadInt(ref reader));
        return values.ToArray();
    }

    // A JsonException without a message gets System.Text.Json's "could not be converted" text and path.
    private static int ReadInt(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int value) ? value : throw new JsonException();

    public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options)
    {
        if (value.Length == 1)
        {
            writer.WriteNumberValue(value[0]);
            return;
        }
        writer.WriteStartArray();
        foreach (var v in value) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
