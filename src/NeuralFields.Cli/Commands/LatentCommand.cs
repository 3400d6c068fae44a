using System.Globalization;
using NeuralFields.Cli.Output;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Latent;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Schema;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf compress IMAGE|CLIP|VOLUME` with the latent-grid codec: plan and run the library's job, show progress and the result.</summary>
internal static class LatentCommand
{
    /// <param name="config">The model; null lets the library pick its default for the image's size.</param>
    public static void CompressOne(string source, string target, FieldConfig? config, LatentRateChoice rate, int? steps, long seed, LoadOptions load, CancellationToken cancel)
    {
        var job = LatentFileJob.Plan(source, target, config, rate, steps, seed, load);
        string name = Path.GetFileName(source);
        if (!job.Options.Batching.IsFull)
            Console.WriteLine($"{name}: training on {job.Options.Batching} (a step over the whole image would not fit the memory budget)");
        var result = job.TargetBpp is null
            ? ConsoleProgress.Show(name, job.Options.TrainingSteps, observer => job.Run(_ => observer, cancel))
            : job.Run(fit => new Announced(name, fit), cancel);
        var h = result.Header;
        string rateUnit = GridPointNames.RateUnit(h.Signal.Modality), point = GridPointNames.Point(h.Signal.Modality);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} -> {job.Target}: {h.FileBytes:N0} bytes, {h.BitsPerGridPoint:F4} {rateUnit} (latents {h.LatentBytes:N0} B, networks {h.WeightBytes:N0} B), " +
            $"PSNR {result.Psnr:F2} dB as decoded ({result.PsnrFloat:F2} dB before weight quantisation); {result.Steps} steps in {result.Seconds:F1} s, " +
            $"{DecodeCost.MultiplicationsPerPixel(h.Config, h.Signal):N0} multiplications per {point} to decode"));
    }

    /// <summary>Rate-control fits print plain progress lines, each fit named.</summary>
    private sealed class Announced(string name, int fit) : Core.Training.ITrainingObserver
    {
        private int _last = -1;

        public void OnStep(Core.Training.TrainingProgress p)
        {
            int tenth = p.Step * 10 / Math.Max(1, p.TotalSteps);
            if (tenth == _last && p.Step != p.TotalSteps) return;
            _last = tenth;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} fit {fit + 1}  step {p.Step}/{p.TotalSteps}  psnr {p.Psnr:F2} dB  rate {p.BitsPerPoint ?? double.NaN:F3} bpp  {p.Elapsed.TotalSeconds:F0} s"));
        }
    }
}
