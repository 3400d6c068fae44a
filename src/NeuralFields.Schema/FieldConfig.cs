using NeuralFields.Schema.Components;

namespace NeuralFields.Schema;

/// <summary>
/// A whole model and how to train it: encoding → network → head, plus training settings.
/// This is the JSON of a preset, travels inside every checkpoint and neural file, and round-trips.
/// </summary>
public sealed record FieldConfig
{
    public string? Description { get; init; }
    public required EncodingConfig Encoding { get; init; }
    public required NetworkConfig Network { get; init; }
    public required HeadConfig Head { get; init; }
    public TrainingConfig Training { get; init; } = new();

    public void Validate()
    {
        Encoding.Validate("encoding");
        Network.Validate("network");
        Head.Validate("head");
        Training.Validate("training");
    }
}
