using System.Globalization;
using NeuralFields.Fitting.Restoration;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// Inpainting: a seeded mask (per image and mask kind) hides pixels; methods fill them. Baselines:
/// nearest-known-pixel fill and harmonic (Laplace) fill. A preset fits the kept pixels and renders
/// all of them; its known pixels are the field's values too, so the missing-pixel PSNR is the fair score.
/// </summary>
public sealed class InpaintingTask(IReadOnlyList<MaskSpec> masks) : RestorationTask
{
    private readonly Dictionary<string, MaskSpec> _masks = masks.ToDictionary(m => m.Slug);

    public override string Name => "inpaint";

    public override string Title => "Inpainting";

    public override IReadOnlyList<ExperimentSetting> Settings { get; } = masks.Select(m => new ExperimentSetting(m.Text, m.Slug)).ToArray();

    public override IReadOnlyList<string> Baselines { get; } = ["nearest", "harmonic"];

    public override string Reference => "harmonic";

    public override bool ScoresMissing => true;

    public override ExperimentCase Prepare(ExperimentImage image, ExperimentSetting setting, long seed)
    {
        var spec = _masks[setting.Slug];
        var mask = spec.Generate(image.Image.Width, image.Image.Height, MaskSeed(seed, image.Name, spec));
        if (mask.KnownCount == mask.Known.Length)
            throw new NeuralFieldsException($"mask {spec.Text} hides no pixel of {image.Name} ({image.Image.Width}x{image.Image.Height}): nothing to fill");
        var input = mask.Hide(image.Image);
        return new ExperimentCase(image.Name, setting, image.Image, input, input, mask,
            string.Create(CultureInfo.InvariantCulture, $"{100 * mask.KnownFraction:F1}% known"), Fingerprint.Of(Name, setting.Label, image.Image, mask));
    }

    /// <summary>Each image gets its own mask, the same on every run with the same seed (FNV-1a of its name and the mask, mixed with the seed).</summary>
    public static ulong MaskSeed(long seed, string image, MaskSpec spec)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char ch in $"{image}|{spec.Text}")
            hash = (hash ^ ch) * 1099511628211UL;
        return hash ^ unchecked((ulong)seed * 0x9E3779B97F4A7C15UL);
    }

    public override ImageSignal RunBaseline(string baseline, ExperimentCase c) => baseline switch
    {
        "nearest" => NearestFill.Fill(c.Input, c.Mask!),
        "harmonic" => HarmonicFill.Fill(c.Input, c.Mask!),
        _ => throw new ArgumentException($"unknown baseline {baseline}"),
    };

    public override RestorationResult RunPreset(FieldConfig config, int? steps, long seed, ExperimentCase c, ITrainingObserver observer, CancellationToken cancel) =>
        FieldRestoration.FitAndRender(c.Input, c.Mask, config, steps, seed, c.Truth.Width, c.Truth.Height, observer, cancel);
}
