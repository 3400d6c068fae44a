using System.Text.Json.Serialization;

namespace NeuralFields.Schema.Components;

/// <summary>
/// The lines a shifted-basis encoding places its centres along: every coordinate axis ("axes"), or,
/// for 2D coordinates only, the four directions x, y, (x+y)/2 and (x−y)/2 ("four").
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ShiftDirections>))]
public enum ShiftDirections
{
    [JsonStringEnumMemberName("axes")] Axes,
    [JsonStringEnumMemberName("four")] Four,
}
