using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Jobs;

/// <summary>What fitting a field to some pixels and rendering it gave.</summary>
internal sealed record FieldFitResult(ImageSignal Rendered, int Steps, double Seconds, double FitPsnr, long Parameters, int TrainingPixels);

/// <summary>
/// Fits a fresh coordinate network to the known pixels of an image (every pixel without a mask) and
/// renders it on the pixel-centre grid of any size: the one job behind super-resolution (fit the
/// small image, render a larger grid) and inpainting (fit the kept pixels, render all of them).
/// Nothing is written; callers save what they need.
/// </summary>
internal static class FieldFitting
{
    public static FieldFitResult FitAndRender(ImageSignal image, PixelMask? known, FieldConfig config, int? steps, long seed,
        int renderWidth, int renderHeight, Func<int, Func<ITrainingObserver, TrainingOutcome>, TrainingOutcome>? showProgress = null,
        CancellationToken cancel = default)
    {
        known?.RequireSize(image);
        if (known is { KnownCount: 0 }) throw new NeuralFieldsException("the mask keeps no pixel: there is nothing to fit");
        Torch.EnsureLoaded();
        using var scope = NewDisposeScope();
        Torch.Seed(seed);
        using var model = new FieldModel(config, image.Info);
        int total = steps ?? config.Training.Steps;

        var coordinates = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        var targets = tensor(image.Values()).reshape(-1, image.Channels);
        if (known is not null && known.KnownCount < known.Known.Length)
        {
            // The trainer sees only the kept pixels; the grid it never saw is what the field fills in.
            var rows = tensor(Enumerable.Range(0, known.Known.Length).Where(i => known.Known[i]).Select(i => (long)i).ToArray());
            coordinates = coordinates.index_select(0, rows);
            targets = targets.index_select(0, rows);
        }
        using var trainer = new Trainer(model, coordinates, targets, seed);
        var outcome = showProgress is null
            ? trainer.Run(new TrainingRun(total), null, cancel)
            : showProgress(total, observer => trainer.Run(new TrainingRun(total), observer, cancel));
        cancel.ThrowIfCancellationRequested();

        var rendered = Render(model, renderWidth, renderHeight, image.Channels, image.BitDepth);
        return new FieldFitResult(rendered, trainer.CompletedSteps, trainer.Seconds, outcome.Psnr, model.ParameterCount, (int)coordinates.shape[0]);
    }

    /// <summary>The field evaluated at the pixel centres of a width×height grid, quantised to the bit depth.</summary>
    public static ImageSignal Render(FieldModel model, int width, int height, int channels, int bitDepth)
    {
        using var scope = NewDisposeScope();
        var grid = tensor(SampleGrid.Coordinates([height, width])).reshape(-1, 2);
        var values = model.Predict(grid).contiguous().data<float>().ToArray();
        return ImageSignal.FromValues(values, width, height, channels, bitDepth);
    }
}
