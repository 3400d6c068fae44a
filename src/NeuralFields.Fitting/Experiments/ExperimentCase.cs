using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>One setting of an experiment: a scale (x2) or a mask (random:0.5); <see cref="Slug"/> names its files.</summary>
public sealed record ExperimentSetting(string Label, string Slug);

/// <summary>A full image an experiment degrades and restores.</summary>
public sealed record ExperimentImage(string Name, string Path, ImageSignal Image);

/// <summary>
/// One image under one setting: the ground truth, what every method is given (the small image, or the
/// image with its missing pixels black and the mask), how that input looks at full size, and a
/// fingerprint of all of it so a saved cell is reused only for the very same case.
/// </summary>
public sealed record ExperimentCase(
    string Image, ExperimentSetting Setting, ImageSignal Truth, ImageSignal Input, ImageSignal Preview, PixelMask? Mask,
    string Description, string Fingerprint);
