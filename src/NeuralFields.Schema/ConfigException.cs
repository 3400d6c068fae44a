namespace NeuralFields.Schema;

/// <summary>A configuration that cannot be used: unknown type, wrong value or missing field.</summary>
public sealed class ConfigException(string message) : NeuralFieldsException(message);
