using System.Text.Json.Serialization;

namespace NeuralFields.Schema.Components;

/// <summary>SPDER's damping function d(z) in sin(z)·d(z): √|z| (the image scripts) or arctan(z) (the audio scripts).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SpderDamping>))]
public enum SpderDamping
{
    [JsonStringEnumMemberName("sqrt")] Sqrt,
    [JsonStringEnumMemberName("arctan")] Arctan,
}
