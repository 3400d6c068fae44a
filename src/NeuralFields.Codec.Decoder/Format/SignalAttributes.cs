namespace NeuralFields.Codec.Decoder;

/// <summary>
/// Checks for the short key = value strings a file carries beside the signal (§2): keys
/// <c>[a-z0-9_]</c> of 1–32 characters, values printable ASCII of 1–255 characters, at most 16 pairs.
/// </summary>
public static class SignalAttributes
{
    public static IReadOnlyDictionary<string, string> None { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public static bool IsValueChar(char c) => c is >= ' ' and <= '~';

    /// <summary>Throws <see cref="ArgumentException"/> for anything a reader would refuse.</summary>
    public static void Require(IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes.Count > NeuralFileFormat.MaxAttributes)
            throw new ArgumentException($"at most {NeuralFileFormat.MaxAttributes} signal attributes fit in a neural file");
        foreach (var (key, value) in attributes)
        {
            if (key.Length is 0 or > NeuralFileFormat.MaxAttributeKeyLength || !key.All(NeuralFileReader.IsModalityChar))
                throw new ArgumentException($"signal attribute key '{key}' is not a short lower-case name");
            if (value.Length is 0 or > byte.MaxValue || !value.All(IsValueChar))
                throw new ArgumentException($"signal attribute '{key}' must be 1-255 printable ASCII characters");
        }
    }
}
