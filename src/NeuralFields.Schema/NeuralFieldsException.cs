namespace NeuralFields.Schema;

/// <summary>
/// A problem caused by the user's input (file, option, config). The CLI prints its message as one
/// line and exits non-zero; anything else is a bug.
/// </summary>
public class NeuralFieldsException(string message, Exception? inner = null) : Exception(OneLine(message), inner)
{
    /// <summary>
    /// Control characters (a newline inside a field name or file name quoted from the input) are written as escapes,
    /// so the message stays the one line the CLI promises (found by fuzzing).
    /// </summary>
    public static string OneLine(string message)
    {
        if (!message.Any(char.IsControl)) return message;
        var text = new System.Text.StringBuilder(message.Length + 8);
        foreach (char c in message)
            text.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return text.ToString();
    }
}
