using NeuralFields.Fitting.Restoration;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using SixLabors.ImageSharp.Processing;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// Super-resolution: the truth is the image centre-cropped to a multiple of the scale, the input its
/// area (box-filter) downsampling; methods enlarge the input back. Baselines: ImageSharp's bicubic
/// and Lanczos3 resize. A preset fits the small image and renders the larger grid.
/// </summary>
public sealed class SuperResolutionTask(IReadOnlyList<int> scales) : RestorationTask
{
    public override string Name => "superres";

    public override string Title => "Super-resolution";

    public override IReadOnlyList<ExperimentSetting> Settings { get; } = scales.Select(s => new ExperimentSetting($"x{s}", $"x{s}")).ToArray();

    public override IReadOnlyList<string> Baselines { get; } = ["bicubic", "lanczos3"];

    public override string Reference => "bicubic";

    public override bool ScoresMissing => false;

    private static int Scale(ExperimentSetting setting) => int.Parse(setting.Label[1..], System.Globalization.CultureInfo.InvariantCulture);

    public override ExperimentCase Prepare(ExperimentImage image, ExperimentSetting setting, long seed)
    {
        int scale = Scale(setting);
        if (image.Image.Width < scale || image.Image.Height < scale)
            throw new NeuralFieldsException($"{image.Name} is {image.Image.Width}x{image.Image.Height}, smaller than the scale {scale}");
        var truth = AreaDownsampling.CropToMultiple(image.Image, scale);
        var input = AreaDownsampling.Downsample(truth, scale);
        return new ExperimentCase(image.Name, setting, truth, input, AreaDownsampling.Replicate(input, scale), null,
            $"{input.Width}x{input.Height} → {truth.Width}x{truth.Height}", Fingerprint.Of(Name, setting.Label, truth, input));
    }

    public override ImageSignal RunBaseline(string baseline, ExperimentCase c) => baseline switch
    {
        "bicubic" => ImageResampling.Resize(c.Input, c.Truth.Width, c.Truth.Height, KnownResamplers.Bicubic),
        "lanczos3" => ImageResampling.Resize(c.Input, c.Truth.Width, c.Truth.Height, KnownResamplers.Lanczos3),
        _ => throw new ArgumentException($"unknown baseline {baseline}"),
    };

    public override RestorationResult RunPreset(FieldConfig config, int? steps, long seed, ExperimentCase c, ITrainingObserver observer, CancellationToken cancel) =>
        FieldRestoration.FitAndRender(c.Input, null, config, steps, seed, c.Truth.Width, c.Truth.Height, observer, cancel);
}
