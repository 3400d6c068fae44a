using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralFields.Cli.Output;
using NeuralFields.Core.Heads;
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
    string OutDir, AlphaMode Alpha, long MaxPixels, string? ResumePath)
{
    /// <summary>Train until every sample decodes exactly (needs a bit-plane head), or the steps run out.</summary>
    public bool Lossless { get; init; }

    /// <summary>Where the final reconstruction is rendered (`nf fit --accelerator`); training always runs on TorchSharp.</summary>
    public Backends.AcceleratorChoice Accelerator { get; init; } = Backends.AcceleratorChoice.Torch;
}

/// <summary>The numbers of a finished fit (also written as metrics.json).</summary>
internal sealed record ImageFitResult(
    string Image, string Config, int Width, int Height, int Channels, int BitDepth, long Seed,
    int Steps, double Psnr, double Ssim, double PsnrFloat, double Seconds, double SamplesPerSecond,
    long Parameters, bool ReachedTarget, IReadOnlyList<CurvePoint> Curve)
{
    /// <summary>Every decoded sample equals its source sample (checked on the samples, not by the loss).</summary>
    public bool Lossless { get; init; }

    /// <summary>Decoded samples that differ from the source.</summary>
    public long WrongSamples { get; init; }

    /// <summary>Bit error rate per plane of the decoded samples, index i = bit i (0 = LSB).</summary>
    public IReadOnlyList<double> BitErrorRate { get; init; } = [];

    /// <summary>Bit errors per plane during training; empty unless the head is a bit-plane head or the run was lossless.</summary>
    public IReadOnlyList<BitErrorPoint> BitErrors { get; init; } = [];

    /// <summary>The first checked step (and its time) whose weights decoded every sample exactly, when the saved model is lossless.</summary>
    public int? StepsToLossless { get; init; }

    public double? SecondsToLossless { get; init; }
}

/// <summary>
/// Fits a coordinate network to one image and writes reconstruction.png, metrics.json, curve.png
/// (and bitplanes.png for bit-plane heads) and model.ckpt into the output folder, all or nothing.
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
        if (request.Lossless && model.Head is not BitPlaneHead)
            throw new NeuralFieldsException($"--lossless needs a bit-plane head (bitplane or bitplane_coordinate), not '{Schema.ComponentRegistry.Describe(model.Config.Head).Name}'");
        int steps = request.Steps ?? model.Config.Training.Steps;

        var coordinates = tensor(SampleGrid.Coordinates(image.Info.Dimensions)).reshape(-1, 2);
        var targets = tensor(image.Values()).reshape(-1, image.Channels);
        using var trainer = new Trainer(model, coordinates, targets, seed);
        if (resumed is not null)
        {
            trainer.Optimizer.Restore(resumed.AdamStep, resumed.AdamMoments);
            trainer.RestoreProgress(resumed.Curve, resumed.Seconds, resumed.BitErrors);
        }

        string label = Path.GetFileName(request.ImagePath);
        var run = new TrainingRun(steps) { TargetPsnr = request.TargetPsnr, UntilLossless = request.Lossless };
        var outcome = showProgress is null
            ? trainer.Run(run, null, cancel)
            : showProgress(steps, observer => trainer.Run(run, observer, cancel));

        var values = Commands.AcceleratorOption.RenderImage(model, image.Height, image.Width, null, request.Accelerator, out _);
        var reconstruction = ImageSignal.FromValues(values, image.Width, image.Height, image.Channels, image.BitDepth);
        var source = image.Values();
        var quantised = reconstruction.Values();
        var result = new ImageFitResult(
            Path.GetFullPath(request.ImagePath), request.ResumePath is null ? request.ConfigName : $"resumed from {request.ResumePath}",
            image.Width, image.Height, image.Channels, image.BitDepth, seed,
            trainer.CompletedSteps, Psnr.Compute(quantised, source),
            Ssim.Compute(quantised, source, image.Height, image.Width, image.Channels),
            Psnr.Compute(values, source), trainer.Seconds, outcome.SamplesPerSecond,
            model.ParameterCount, outcome.ReachedTarget, trainer.Curve.ToList())
        {
            BitErrors = trainer.BitErrors.ToList(),
        };
        result = WithLossless(result, image, reconstruction);

        ImageFile.SavePng(staging.PathOf("reconstruction.png"), reconstruction);
        Checkpoint.Save(staging.PathOf("model.ckpt"), trainer, seed);
        WriteMetrics(staging.PathOf("metrics.json"), result, model.Config);
        Plots.Lines(staging.PathOf("curve.png"), $"{label}: {request.ConfigName}", "step", "PSNR (dB)",
            [new Plots.Series(request.ConfigName, result.Curve.Select(c => (double)c.Step).ToArray(), result.Curve.Select(c => c.Psnr).ToArray())]);
        if (result.BitErrors.Count > 0)
            Plots.BitPlanes(staging.PathOf("bitplanes.png"), $"{label}: bit error rate per plane ({request.ConfigName})", result.BitErrors, image.BitDepth);
        staging.Commit();
        return result;
    }

    /// <summary>Lossless means the decoded samples equal the source's, compared one by one, whatever the loss says.</summary>
    private static ImageFitResult WithLossless(ImageFitResult result, ImageSignal source, ImageSignal decoded)
    {
        var errors = new long[source.BitDepth];
        long wrong = 0;
        for (int i = 0; i < source.Samples.Length; i++)
        {
            int differing = source.Samples[i] ^ decoded.Samples[i];
            if (differing == 0) continue;
            wrong++;
            for (int bit = 0; bit < errors.Length; bit++)
                errors[bit] += (differing >> bit) & 1;
        }
        bool lossless = wrong == 0;
        var first = lossless ? result.BitErrors.FirstOrDefault(p => p.Exact) : null;
        return result with
        {
            Lossless = lossless,
            WrongSamples = wrong,
            BitErrorRate = errors.Select(e => (double)e / source.Samples.Length).ToArray(),
            StepsToLossless = first?.Step,
            SecondsToLossless = first?.Seconds,
        };
    }

    private static string Describe(SignalInfo s) => $"{string.Join("x", s.Dimensions.Reverse())} {s.Channels}-channel {s.BitDepth}-bit";

    private static void WriteMetrics(string path, ImageFitResult result, FieldConfig config)
    {
        // PSNRs go in below through Finite: an exact fit's infinity would stop the serializer.
        var node = JsonSerializer.SerializeToNode(result with { Curve = [], BitErrors = [], Psnr = 0, PsnrFloat = 0 }, Schema.Serialization.ConfigJson.Options)!.AsObject();
        node.Remove("curve");
        node.Remove("bit_errors");
        if (result.BitErrors.Count > 0)
        {
            // Written even when null, so a run that never became lossless says so.
            node["steps_to_lossless"] = result.StepsToLossless;
            node["seconds_to_lossless"] = result.SecondsToLossless is double s ? Math.Round(s, 3) : null;
            node["bit_error_curve"] = new JsonArray(result.BitErrors.Select(p => (JsonNode)new JsonObject
            {
                ["step"] = p.Step,
                ["seconds"] = Math.Round(p.Seconds, 3),
                ["rates"] = new JsonArray(p.Rates.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            }).ToArray());
        }
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
