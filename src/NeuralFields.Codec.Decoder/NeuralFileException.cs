using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder;

/// <summary>A neural file that cannot be read: truncated, corrupted, of an unknown version or out of bounds.</summary>
public sealed class NeuralFileException(string message) : NeuralFieldsException(message);
