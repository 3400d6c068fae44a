namespace NeuralFields.Schema;

/// <summary>
/// A problem caused by the user's input (file, option, config). The CLI prints its message as one
/// line and exits non-zero; anything else is a bug.
/// </summary>
public class NeuralFieldsException(string message, Exception? inner = null) : Exception(message, inner);
