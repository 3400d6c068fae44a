using System.Globalization;
using NeuralFields.Cli.Output;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Latent;
using NeuralFields.Core.Runtime;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf compress IMAGE` with the latent-grid codec: parse the rate options, call the library, show progress and the result.</summary>
internal static class LatentCommand
{
    public const string DefaultPreset = "latent";
    public const int DefaultQuality = 60;

    /// <summary>At most one of λ, quality and target bpp; the time budget goes with any of them.</summary>
    public sealed record RateChoice(double? Lambda, int? Quality, double? Bpp, double? Time)
    {
        public void RequireNone()
        {
            if (Lambda is not null || Quality is not null || Bpp is not null || Time is not null)
                throw new NeuralFieldsException("--lambda, --quality, --bpp and --time apply to the latent-grid codec (lossy images with the default or a latent preset)");
        }

        public double ResolveLambda()
        {
            if (new object?[] { Lambda, Quality, Bpp }.Count(v => v is not null) > 1)
                throw new NeuralFieldsException("give one of --lambda, --quality and --bpp");
            return Lambda ?? LatentOptions.LambdaForQuality(Quality ?? DefaultQuality);
        }
    }

    /// <summary>Images below this many pixels get <c>latent-fast</c> by default: its networks cost about half the bytes.</summary>
    public const long SmallImagePixels = 128 * 128;

    /// <param name="config">The model; null picks <see cref="DefaultPreset"/>, or <c>latent-fast</c> for small images.</param>
    public static void CompressOne(string source, string target, FieldConfig? config, RateChoice rate, int? steps, long seed, LoadOptions load, CancellationToken cancel)
    {
        if (!File.Exists(source)) throw new NeuralFieldsException($"file not found: {source}");
        OutputPath.RefuseReplacing(target, source);           // before any work, as for every other output
        OutputPath.PrepareFile(target);
        var modality = ModalityRegistry.ForSource(source);
        if (modality.Name != "image") throw new NeuralFieldsException($"{source}: the latent-grid codec compresses images; use a coordinate preset (e.g. --preset {modality.DefaultPreset}) for {modality.Name}");
        var signal = modality.Load(source, load);
        config ??= Core.Models.Presets.Load(signal.Info.SampleCount < SmallImagePixels ? "latent-fast" : DefaultPreset);
        var options = new LatentOptions(config) { Lambda = rate.ResolveLambda(), Steps = steps, TimeBudget = rate.Time, Seed = seed };
        options.Validate();
        Torch.EnsureLoaded();
        string name = Path.GetFileName(source);
        CompressionResult result;
        if (rate.Bpp is double bpp)
            result = LatentRateControl.Compress(signal.Info, signal.Samples, options, bpp,
                signal.Attributes, fit => new Announced(name, fit), cancel);
        else
            result = ConsoleProgress.Show(name, options.TrainingSteps,
                observer => LatentCompressor.Compress(signal.Info, signal.Samples, options, signal.Attributes, observer, cancel));
        AtomicFile.Write(target, stream => stream.Write(result.File));
        var h = result.Header;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} -> {target}: {h.FileBytes:N0} bytes, {h.BitsPerGridPoint:F4} bpp (latents {h.LatentBytes:N0} B, networks {h.WeightBytes:N0} B), " +
            $"PSNR {result.Psnr:F2} dB as decoded ({result.PsnrFloat:F2} dB before weight quantisation); {result.Steps} steps in {result.Seconds:F1} s, " +
            $"{DecodeCost.MultiplicationsPerPixel(h.Config, h.Signal):N0} multiplications per pixel to decode"));
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
