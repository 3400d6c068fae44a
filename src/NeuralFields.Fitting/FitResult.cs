using System.Globalization;
using System.Text.Json.Nodes;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Output;
using NeuralFields.Schema.IO;
using NeuralFields.Schema.Serialization;
using static NeuralFields.Fitting.Output.MetricsJson;

namespace NeuralFields.Fitting;

/// <summary>
/// What a fit gave: the trained model, its reconstruction and measurements, the training curve and bit errors.
/// <see cref="Save"/> writes it as a run folder (the reconstruction, metrics.json, curve.png, model.ckpt and the
/// modality's pictures), all or nothing. Dispose it to free the model's tensors.
/// </summary>
public sealed class FitResult : IDisposable
{
    private readonly FieldTraining _training;

    internal FitResult(FitSource source, FieldTraining training, Reconstruction reconstruction, FitOptions options)
    {
        Source = source;
        _training = training;
        Reconstruction = reconstruction;
        ConfigName = options.Resume is null ? options.ConfigName : $"resumed ({options.ConfigName})";
    }

    /// <summary>Every name a run folder may receive, whatever the modality (for checks before a run).</summary>
    public static IReadOnlySet<string> FileNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "model.ckpt", "metrics.json", "curve.png", "bitplanes.png", "reconstruction.png", "reconstruction.wav", "waveform.png",
        "reconstruction.raw", "reconstruction.json", "slice.png", "surface.ply", "preview.png",
    };

    public FitSource Source { get; }

    public FieldModel Model => _training.Model;

    public Reconstruction Reconstruction { get; }

    public string ConfigName { get; }

    public long Seed => _training.Seed;

    /// <summary>Steps in all, including those before a resume.</summary>
    public int Steps => _training.Trainer.CompletedSteps;

    /// <summary>Seconds of training in all, including those before a resume.</summary>
    public double Seconds => _training.Trainer.Seconds;

    public double SamplesPerSecond => _training.Outcome.SamplesPerSecond;

    public long Parameters => Model.ParameterCount;

    /// <summary>The run stopped at its target PSNR, or (lossless) at the first exact check.</summary>
    public bool ReachedTarget => _training.Outcome.ReachedTarget;

    public IReadOnlyList<CurvePoint> Curve => _training.Trainer.Curve;

    /// <summary>Bit error rate per plane during training; empty unless the head is a bit-plane head or the run was lossless.</summary>
    public IReadOnlyList<BitErrorPoint> BitErrors => _training.Trainer.BitErrors;

    /// <summary>The first check whose weights decoded every sample exactly, when the saved model is exact.</summary>
    public BitErrorPoint? FirstExact => Reconstruction.Exactness is { Exact: true } ? BitErrors.FirstOrDefault(p => p.Exact) : null;

    /// <summary>One line: what was measured, steps, time and size.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{Source.Label}: {Reconstruction.Summary}, {Steps} steps in {Seconds:F1} s ({SamplesPerSecond:N0} samples/s, {Parameters:N0} parameters, {TrainingStep} step)");

    /// <summary>"fused" or "torch": which training step computed the gradients (training.implementation resolved).</summary>
    public string TrainingStep => _training.Trainer.StepImplementation;

    /// <summary>The exactness verdict of a lossless or bit-plane run ("lossless: every sample decodes exactly, ..."), else null.</summary>
    public string? ExactnessLine
    {
        get
        {
            if (Reconstruction.Exactness is not { } e || BitErrors.Count == 0) return null;
            if (e.Exact)
                return FirstExact is { } first
                    ? string.Create(CultureInfo.InvariantCulture, $"lossless: every sample decodes exactly, reached after {first.Step} steps in {first.Seconds:F1} s")
                    : "lossless: every sample decodes exactly";
            var planes = string.Join(" ", e.BitErrorRate.Reverse().Select(r => r.ToString("0.####", CultureInfo.InvariantCulture)));
            return string.Create(CultureInfo.InvariantCulture,
                $"not lossless after {Steps} steps: {e.WrongSamples:N0} of {e.Samples:N0} samples differ; bit error rate MSB..LSB: {planes}");
        }
    }

    public void SaveCheckpoint(string path) => Checkpoint.Save(path, _training.Trainer, Seed);

    /// <summary>Everything metrics.json holds: the source, the run's numbers, the modality's measurements, exactness, the curve and the model.</summary>
    public JsonObject Metrics()
    {
        var metrics = new JsonObject
        {
            [Source.OriginKey] = Source.Origin,
            ["config"] = ConfigName,
            ["seed"] = Seed,
            ["steps"] = Steps,
            ["seconds"] = Math.Round(Seconds, 3),
            ["samples_per_second"] = Math.Round(SamplesPerSecond),
            ["training_step"] = TrainingStep,
            ["parameters"] = Parameters,
            ["reached_target"] = ReachedTarget,
        };
        Reconstruction.AddMetrics(metrics);
        if (Reconstruction.Exactness is { } e)
        {
            metrics["lossless"] = e.Exact;
            metrics["wrong_samples"] = e.WrongSamples;
            metrics["bit_error_rate"] = new JsonArray(e.BitErrorRate.Select(r => (JsonNode)JsonValue.Create(r)).ToArray());
        }
        if (BitErrors.Count > 0)
        {
            // Written even when null, so a run that never became lossless says so.
            metrics["steps_to_lossless"] = FirstExact?.Step;
            metrics["seconds_to_lossless"] = FirstExact is { } first ? Math.Round(first.Seconds, 3) : null;
            metrics["bit_error_curve"] = new JsonArray(BitErrors.Select(p => (JsonNode)new JsonObject
            {
                ["step"] = p.Step,
                ["seconds"] = Math.Round(p.Seconds, 3),
                ["rates"] = new JsonArray(p.Rates.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()),
            }).ToArray());
        }
        metrics["curve"] = new JsonArray(Curve.Select(c =>
        {
            var point = new JsonObject { ["step"] = c.Step, ["psnr"] = Finite(c.Psnr), ["seconds"] = Math.Round(c.Seconds, 3) };
            if (c.Subset) point["subset"] = true;
            return (JsonNode)point;
        }).ToArray());
        metrics["model"] = JsonNode.Parse(ConfigJson.Serialize(Model.Config));
        return metrics;
    }

    /// <summary>
    /// Writes the run into <paramref name="folder"/>: the modality's reconstruction and pictures, metrics.json,
    /// curve.png (bitplanes.png for bit-plane runs) and model.ckpt. All or nothing: files are staged beside the
    /// folder and moved in only when every one was written, and refused when one would replace the source
    /// (<c>fit run/reconstruction.png --out run</c>). <paramref name="cancel"/> stops it between files, leaving nothing.
    /// </summary>
    public void Save(string folder, CancellationToken cancel = default)
    {
        using var staging = new StagingDirectory(folder);
        Reconstruction.Save(staging, this);
        cancel.ThrowIfCancellationRequested();
        SaveCheckpoint(staging.PathOf("model.ckpt"));
        AtomicFile.WriteAllText(staging.PathOf("metrics.json"), Metrics().ToJsonString(ConfigJson.Options));
        cancel.ThrowIfCancellationRequested();
        Plots.Lines(staging.PathOf("curve.png"), $"{Source.Label}: {ConfigName}", "step", Reconstruction.CurveLabel,
            [new Plots.Series(ConfigName, Curve.Select(c => (double)c.Step).ToArray(), Curve.Select(c => c.Psnr).ToArray())]);
        if (BitErrors.Count > 0)
            Plots.BitPlanes(staging.PathOf("bitplanes.png"), $"{Source.Label}: bit error rate per plane ({ConfigName})", BitErrors, Model.Signal.BitDepth);
        cancel.ThrowIfCancellationRequested();
        staging.Commit(Source.Inputs);
    }

    public void Dispose() => _training.Dispose();
}
