using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralFields.Cli.Output;
using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Jobs;

/// <summary>Everything `nf fit` needs to fit one image.</summary>
internal sealed record ImageFitRequest(
    string ImagePath, FieldConfig Config, string ConfigName, int? Steps, double? TargetPsnr, long Seed,
    string OutDir, AlphaMode Alpha, long MaxPixels, string? ResumePath);

/// <summary>The numbers of a finished fit (also written as metrics.json).</summary>
internal sealed record ImageFitResult(
    string Image, string Config, int Width, int Height, int Channels, int BitDepth, long Seed,
    int Steps, double Psnr, double Ssim, double PsnrFloat, double Seconds, double SamplesPerSecond,
    long Parameters, bool ReachedTarget, IReadOnlyList<CurvePoint> Curve);

/// <summary>
/// Fits a coordinate network to one image and writes reconstruction.png, metrics.json, curve.png
/// and model.ckpt into the output folder, all or nothing.
/// </summary>
internal static class ImageFit
{
    public static ImageFitResult Run(ImageFitRequest request, Func<int, Func<ITrainingObserver, TrainingOutcome>, TrainingOutcome>? showProgress = null,
        CancellationToken cancel = default)
    {
        var image = ImageFile.Load(request.ImagePath, request.Alpha, request.MaxPixels);
        Torch.EnsureLoaded();
        using var staging = new StagingDirectory(request.OutDir);
        using var scope = NewDisposeScope();

        Checkpoint.Contents? resumed = request.ResumePath is null ? null : Checkpoint.Load(request.ResumePath);
        if (resumed is not null && !resumed.Model.Signal.Equals(image.Info))
            throw new NeuralFieldsException($"checkpoint {request.ResumePath} was trained on a {Describe(resumed.Model.Signal)} image, not {Describe(image.Info)}");
        long seed = resumed?.Seed ?? request.Seed;
        Torch.Seed(seed);
        var model = resumed?.Model ?? new FieldModel(request.Config, image.Info);
        int steps = request.Steps ?? model.Config.Training.Steps;

        var coordinates = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        var targets = tensor(image.Values()).reshape(-1, image.Channels);
        using var trainer = new Trainer(model, coordinates, targets, seed);
        if (resumed is not null)
        {
            trainer.Optimizer.Restore(resumed.AdamStep, resumed.AdamMoments);
            trainer.RestoreProgress(resumed.Curve, resumed.Seconds);
        }

        string label = Path.GetFileName(request.ImagePath);
        var outcome = showProgress is null
            ? trainer.Run(steps, request.TargetPsnr, null, cancel)
            : showProgress(steps, observer => trainer.Run(steps, request.TargetPsnr, observer, cancel));

        var predicted = model.Predict(coordinates).contiguous();
        var values = predicted.data<float>().ToArray();
        var reconstruction = ImageSignal.FromValues(values, image.Width, image.Height, image.Channels, image.BitDepth);
        var source = image.Values();
        var quantised = reconstruction.Values();
        var result = new ImageFitResult(
            Path.GetFullPath(request.ImagePath), request.ResumePath is null ? request.ConfigName : $"resumed from {request.ResumePath}",
            image.Width, image.Height, image.Channels, image.BitDepth, seed,
            trainer.CompletedSteps, Psnr.Compute(quantised, source),
            Ssim.Compute(quantised, source, image.Height, image.Width, image.Channels),
            Psnr.Compute(values, source), trainer.Seconds, outcome.SamplesPerSecond,
            model.ParameterCount, outcome.ReachedTarget, trainer.Curve.ToList());

        ImageFile.SavePng(staging.PathOf("reconstruction.png"), reconstruction);
        Checkpoint.Save(staging.PathOf("model.ckpt"), trainer, seed);
        WriteMetrics(staging.PathOf("metrics.json"), result, model.Config);
        Plots.Lines(staging.PathOf("curve.png"), $"{label}: {request.ConfigName}", "step", "PSNR (dB)",
            [new Plots.Series(request.ConfigName, result.Curve.Select(c => (double)c.Step).ToArray(), result.Curve.Select(c => c.Psnr).ToArray())]);
        staging.Commit();
        return result;
    }

    private static string Describe(SignalInfo s) => $"{string.Join("x", s.Dimensions.Reverse())} {s.Channels}-channel {s.BitDepth}-bit";

    private static void WriteMetrics(string path, ImageFitResult result, FieldConfig config)
    {
        var node = JsonSerializer.SerializeToNode(result with { Curve = [] }, Schema.Serialization.ConfigJson.Options)!.AsObject();
        node.Remove("curve");
        node["psnr"] = Finite(result.Psnr);
        node["psnr_float"] = Finite(result.PsnrFloat);
        node["curve"] = new JsonArray(result.Curve.Select(c => (JsonNode)new JsonObject
        {
            ["step"] = c.Step,
            ["psnr"] = Finite(c.Psnr),
            ["seconds"] = Math.Round(c.Seconds, 3),
        }).ToArray());
        node["model"] = JsonNode.Parse(Schema.Serialization.ConfigJson.Serialize(config));
        AtomicFile.WriteAllText(path, node.ToJsonString(Schema.Serialization.ConfigJson.Options));
    }

    /// <summary>JSON has no infinity: an exact reconstruction's PSNR is written as the string "inf".</summary>
    private static JsonNode Finite(double value) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, 4)) : JsonValue.Create("inf");
}
