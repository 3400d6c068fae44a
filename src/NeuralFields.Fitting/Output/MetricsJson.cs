using System.Text.Json.Nodes;

namespace NeuralFields.Fitting.Output;

/// <summary>Numbers as metrics files write them: JSON has no infinity, so an exact fit's PSNR is the string "inf".</summary>
public static class MetricsJson
{
    public static JsonNode Finite(double value, int digits = 4) =>
        double.IsFinite(value) ? JsonValue.Create(Math.Round(value, digits)) : JsonValue.Create(double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf");

    public static JsonNode? Optional(double? value, int digits = 4) => value is double v ? Finite(v, digits) : null;
}
