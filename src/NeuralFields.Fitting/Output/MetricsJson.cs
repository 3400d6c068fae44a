using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace NeuralFields.Fitting.Output;

/// <summary>Numbers as metrics files write them: JSON has no infinity, so an exact fit's PSNR is the string "inf".</summary>
public static class MetricsJson
{
    public static JsonNode Finite(double value, int digits = 4) =>
        double.IsFinite(value) ? JsonValue.Create(Math.Round(value, digits)) : JsonValue.Create(Word(value));

    public static JsonNode? Optional(double? value, int digits = 4) => value is double v ? Finite(v, digits) : null;

    /// <summary>"inf", "-inf" or "nan": how every file of this project writes a number JSON cannot hold.</summary>
    public static string Word(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";

    /// <summary>
    /// For serialised records: doubles as numbers, non-finite ones as "inf", "-inf", "nan" (read back too, as are
    /// .NET's "Infinity" words that older files hold).
    /// </summary>
    public sealed class DoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
            return reader.GetString() switch
            {
                "inf" or "Infinity" => double.PositiveInfinity,
                "-inf" or "-Infinity" => double.NegativeInfinity,
                "nan" or "NaN" => double.NaN,
                var other => throw new JsonException($"'{other}' is not a number"),
            };
        }

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteStringValue(Word(value));
        }
    }
}
