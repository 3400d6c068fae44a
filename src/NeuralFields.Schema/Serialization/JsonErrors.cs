using System.Text.Json;
using System.Text.RegularExpressions;

namespace NeuralFields.Schema.Serialization;

/// <summary>Turns System.Text.Json's messages into one line a user can act on.</summary>
internal static partial class JsonErrors
{
    public static string Explain(JsonException e)
    {
        var message = e.Message;
        var missing = MissingRequired().Match(message);
        if (missing.Success)
            return $"missing required field {missing.Groups[1].Value}";
        var unmapped = Unmapped().Match(message);
        if (unmapped.Success)
            return $"unknown field '{unmapped.Groups[1].Value}'";
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "a value" : $"field '{e.Path.TrimStart('$', '.')}'";
        if (message.Contains("could not be converted", StringComparison.Ordinal))
            return $"{field} has a value of the wrong kind";
        return $"invalid JSON at {field} (line {e.LineNumber + 1})";
    }

    [GeneratedRegex("missing required properties including: (.+?)\\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("property '([^']+)' could not be mapped")]
    private static partial Regex Unmapped();
}
