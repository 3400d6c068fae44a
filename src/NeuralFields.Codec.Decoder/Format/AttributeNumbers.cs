using System.Globalization;

namespace NeuralFields.Codec.Decoder;

/// <summary>
/// Decimal numbers in signal attributes, as the modalities that need them (volume range, shape frame)
/// write and read them and the reader checks them: round-trip float text, several values separated by single spaces.
/// </summary>
public static class AttributeNumbers
{
    public static string Format(params float[] values) =>
        string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>The <paramref name="count"/> finite numbers stored under <paramref name="key"/>; false when missing or malformed.</summary>
    public static bool TryRead(IReadOnlyDictionary<string, string> attributes, string key, int count, out float[] values)
    {
        values = [];
        if (!attributes.TryGetValue(key, out var text)) return false;
        var parts = text.Split(' ');
        if (parts.Length != count) return false;
        values = new float[count];
        for (int i = 0; i < count; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                return false;
        return true;
    }
}
