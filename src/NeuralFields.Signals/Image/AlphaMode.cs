namespace NeuralFields.Signals.Image;

/// <summary>What to do with an alpha channel when an image has one.</summary>
public enum AlphaMode
{
    /// <summary>Fit alpha as one more channel and write it back.</summary>
    Keep,
    /// <summary>Ignore alpha; fit and write colour only.</summary>
    Drop,
    /// <summary>Composite over white, then fit and write colour only.</summary>
    White,
}
