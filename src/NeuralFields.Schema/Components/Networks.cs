namespace NeuralFields.Schema.Components;

/// <summary>
/// A multilayer perceptron: <see cref="HiddenLayers"/> hidden layers of <see cref="Width"/> units,
/// then a linear output layer. Input and output widths come from the encoding and the head.
/// </summary>
public sealed record MlpConfig : NetworkConfig
{
    public required int HiddenLayers { get; init; }
    public required int Width { get; init; }
    public required ActivationConfig Activation { get; init; }

    public override void Validate(string path)
    {
        Require(HiddenLayers is >= 1 and <= 64, path, "hidden_layers", "must be between 1 and 64", HiddenLayers);
        Require(Width is >= 1 and <= 16384, path, "width", "must be between 1 and 16384", Width);
        Activation.Validate(path + ".activation");
    }
}
