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

    /// <summary>The latent-grid codec's loop filter for images, fitted after training; null for none.</summary>
    public PostFilterConfig? PostFilter { get; init; }

    public void Validate()
    {
        Encoding.Validate("encoding");
        Network.Validate("network");
        Head.Validate("head");
        Training.Validate("training");
        if (PostFilter is null) return;
        PostFilter.Validate("post_filter");
        if (Encoding is not LatentGridConfig || Head is not (LinearHeadConfig or SigmoidHeadConfig))
            throw new ConfigException("post_filter needs a latent_grid encoding and a linear or sigmoid head");
    }
}
