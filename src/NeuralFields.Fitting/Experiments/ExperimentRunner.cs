using System.Diagnostics;
using System.Globalization;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Output;
using NeuralFields.Fitting.Planning;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>Everything an experiment runs: the task and its settings, the images, the presets and their budget.</summary>
public sealed record ExperimentPlan(
    RestorationTask Task, IReadOnlyList<ExperimentImage> Images, IReadOnlyList<(string Name, FieldConfig Config)> Presets,
    int? Steps, long Seed, int? Crop, string OutDir)
{
    /// <summary>Baselines first (the reference), then presets: the order of tables and crops.</summary>
    public IReadOnlyList<string> Methods => [.. Task.Baselines, .. Presets.Select(p => p.Name)];

    public int CellCount => Images.Count * Task.Settings.Count * Methods.Count;
}

/// <summary>One image under one setting after the run: its description and its crop strip (relative to the output folder).</summary>
public sealed record CaseSummary(string Image, ExperimentSetting Setting, string Description, string CropPath, int PanelWidth, int PanelHeight);

public sealed record ExperimentOutcome(IReadOnlyList<CellResult> Cells, IReadOnlyList<CaseSummary> Cases, int Reused);

/// <summary>
/// Runs every cell (image × setting × method) that is not already saved, saving each as soon as it is
/// done, and writes the inputs and crop strips; the report is written from the outcome afterwards.
/// </summary>
public static class ExperimentRunner
{
    public static ExperimentOutcome Run(ExperimentPlan plan, IExperimentObserver progress, CancellationToken cancel)
    {
        var store = new CellStore(plan.OutDir);
        var cells = new List<CellResult>();
        var cases = new List<CaseSummary>();
        int reused = 0;
        foreach (var image in plan.Images)
            foreach (var setting in plan.Task.Settings)
            {
                var c = plan.Task.Prepare(image, setting, plan.Seed);
                WriteInputs(plan.OutDir, c);
                var outputs = new List<ImageSignal>();
                foreach (var method in plan.Methods)
                {
                    cancel.ThrowIfCancellationRequested();
                    progress.CellStarted($"{c.Image} {setting.Label} {method}");
                    var config = method == AutoConfig.Name
                        ? AutoConfig.For(c.Input.Info, MemoryBudget.Default())
                        : plan.Presets.Where(p => p.Name == method).Select(p => p.Config).FirstOrDefault();
                    string fingerprint = config is null
                        ? Fingerprint.Of(c.Fingerprint, method)
                        : Fingerprint.Of(c.Fingerprint, method, ConfigJson.Serialize(config), plan.Steps ?? config.Training.Steps, plan.Seed);
                    if (store.TryLoad(c, method, fingerprint) is { } saved)
                    {
                        reused++;
                        cells.Add(saved.Result);
                        outputs.Add(saved.Output);
                        progress.CellFinished(Summary(saved.Result), reused: true);
                        continue;
                    }
                    var (cell, output) = config is null
                        ? RunBaseline(plan, c, method, fingerprint)
                        : RunPreset(plan, c, method, config, fingerprint, progress, cancel);
                    store.Save(c, cell, output);
                    cells.Add(cell);
                    outputs.Add(output);
                    progress.CellFinished(Summary(cell), reused: false);
                }
                string crop = Path.Combine("crops", $"{c.Image}-{setting.Slug}.png");
                var (w, h) = CropStrip.Write(Path.Combine(plan.OutDir, crop), [c.Truth, c.Preview, .. outputs]);
                cases.Add(new CaseSummary(c.Image, setting, c.Description, crop, w, h));
            }
        return new ExperimentOutcome(cells, cases, reused);
    }

    private static (CellResult, ImageSignal) RunBaseline(ExperimentPlan plan, ExperimentCase c, string method, string fingerprint)
    {
        var clock = Stopwatch.StartNew();
        var output = plan.Task.RunBaseline(method, c);
        double seconds = clock.Elapsed.TotalSeconds;
        var (psnr, ssim, missing) = CellMetrics.Measure(c.Truth, output, c.Mask);
        return (new CellResult(c.Image, c.Setting.Label, method, CellResult.Baseline, psnr, ssim, missing, seconds, null, null, fingerprint), output);
    }

    private static (CellResult, ImageSignal) RunPreset(ExperimentPlan plan, ExperimentCase c, string method, FieldConfig config, string fingerprint,
        IExperimentObserver progress, CancellationToken cancel)
    {
        var fit = plan.Task.RunPreset(config, plan.Steps, plan.Seed, c, progress, cancel);
        var (psnr, ssim, missing) = CellMetrics.Measure(c.Truth, fit.Rendered, c.Mask);
        return (new CellResult(c.Image, c.Setting.Label, method, CellResult.Preset, psnr, ssim, missing, fit.Seconds, fit.Steps, fit.FitPsnr, fingerprint),
            fit.Rendered);
    }

    /// <summary>inputs/IMAGE-SETTING-{truth,input[,mask]}.png: what the methods were given and measured against.</summary>
    private static void WriteInputs(string outDir, ExperimentCase c)
    {
        string folder = Path.Combine(outDir, "inputs");
        Directory.CreateDirectory(folder);
        string stem = Path.Combine(folder, $"{c.Image}-{c.Setting.Slug}");
        ImageFile.SavePng(stem + "-truth.png", c.Truth);
        ImageFile.SavePng(stem + "-input.png", c.Input);
        if (c.Mask is not null) ImageFile.SavePng(stem + "-mask.png", c.Mask.ToImage());
    }

    private static string Summary(CellResult r)
    {
        string missing = r.PsnrMissing is double m ? $", missing {ReportFormat.Db(m)} dB" : "";
        return string.Create(CultureInfo.InvariantCulture, $"PSNR {ReportFormat.Db(r.Psnr)} dB, SSIM {ReportFormat.Ssim(r.Ssim)}{missing}, {r.Seconds:F1} s");
    }
}
