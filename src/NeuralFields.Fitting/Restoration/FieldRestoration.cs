using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Core.Training.Samples;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Fitting.Restoration;

/// <summary>What fitting a field to some pixels and rendering it gave.</summary>
public sealed record RestorationResult(ImageSignal Rendered, int Steps, double Seconds, double FitPsnr, long Parameters, int TrainingPixels);

/// <summary>
/// Fits a fresh coordinate network to the known pixels of an image (every pixel without a mask) and renders it
/// on the pixel-centre grid of any size: super-resolution fits the small image and renders a larger grid,
/// inpainting fits the kept pixels and renders all of them. Nothing is written; callers save what they need.
/// </summary>
public static class FieldRestoration
{
    public static RestorationResult FitAndRender(ImageSignal image, PixelMask? known, FieldConfig config, int? steps, long seed,
        int renderWidth, int renderHeight, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        known?.RequireSize(image);
        if (known is { KnownCount: 0 }) throw new NeuralFieldsException("the mask keeps no pixel: there is nothing to fit");
        ITrainingSamples samples = GridSamples.FromIntegers(image.Info.Dimensions, image.Channels, image.BitDepth, image.Samples);
        if (known is not null && known.KnownCount < known.Known.Length)
        {
            // The trainer sees only the kept pixels; the grid it never saw is what the field fills in.
            using var all = samples;
            using var rows = tensor(Enumerable.Range(0, known.Known.Length).Where(i => known.Known[i]).Select(i => (long)i).ToArray());
            var (x, y) = all.Gather(rows);
            samples = new TensorSamples(x, y);
        }
        int pixels = (int)samples.Count;
        using var training = FieldTraining.Run(config, image.Info, samples, new FitOptions { Steps = steps, Seed = seed }, observer, cancel);
        var rendered = Render(training.Model, renderWidth, renderHeight, image.Channels, image.BitDepth);
        return new RestorationResult(rendered, training.Trainer.CompletedSteps, training.Trainer.Seconds, training.Outcome.Psnr, training.Model.ParameterCount, pixels);
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
