using System.Text.Json.Nodes;
using NeuralFields.Cli.Output;
using NeuralFields.Core.Metrics;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Audio;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Jobs;

/// <summary>What fitting a WAV clip gave.</summary>
internal sealed record AudioFitResult(double Snr, double Psnr, int Steps, double Seconds, double SamplesPerSecond, long Parameters)
{
    /// <summary>Decoded PCM codes that differ from the source's (integer clips; 0 = lossless).</summary>
    public long WrongSamples { get; init; }

    /// <summary>The first checked step whose weights decoded every code exactly, and its time.</summary>
    public int? StepsToLossless { get; init; }

    public double? SecondsToLossless { get; init; }
}

/// <summary>
/// Fits a clip: one time coordinate in [-1,1] at sample centres, one output per channel. Writes
/// reconstruction.wav (the source's own format), metrics.json (SNR, PSNR), waveform.png, curve.png
/// and model.ckpt; with a bit-plane head also bitplanes.png, and a lossless run (PCM of at most 16
/// bits) trains until every code decodes exactly, checked code by code.
/// </summary>
internal static class AudioFit
{
    public static AudioFitResult Run(string path, FieldConfig config, string configName, int? steps, double? targetPsnr, long seed,
        string outDir, ProgressDisplay? progress, CancellationToken cancel, bool lossless = false)
    {
        var clip = WavFile.Load(path);
        if (lossless && (clip.Codes is null || clip.Format.BitsPerSample > 16))
            throw new NeuralFieldsException($"--lossless needs integer PCM of at most 16 bits; {Path.GetFileName(path)} is {(clip.Format.IsFloat ? "float" : "PCM")} {clip.Format.BitsPerSample}-bit");
        if (lossless && config.Head is not (Schema.Components.BitPlaneHeadConfig or Schema.Components.BitPlaneCoordinateHeadConfig))
            throw new NeuralFieldsException($"--lossless needs a bit-plane head (bitplane or bitplane_coordinate), not '{ComponentRegistry.Describe(config.Head).Name}'");
        using var staging = new StagingDirectory(outDir);
        using var scope = NewDisposeScope();
        var coordinates = tensor(SampleGrid.Coordinates(clip.Info.Dimensions)).reshape(-1, 1);
        var targets = tensor(clip.Values()).reshape(-1, clip.Format.Channels);
        using var run = FitRun.Train(config, clip.Info, coordinates, targets, seed, steps, targetPsnr, progress, cancel, lossless);

        var values = run.Model.Predict(coordinates).contiguous().data<float>().ToArray();
        var reconstruction = AudioSignal.FromValues(values, clip.Format);
        var source = clip.Amplitudes();
        var decoded = reconstruction.Amplitudes();
        var result = new AudioFitResult(Snr(source, decoded), Psnr.Compute(reconstruction.Values(), clip.Values()),
            run.Trainer.CompletedSteps, run.Trainer.Seconds, run.Outcome.SamplesPerSecond, run.Model.ParameterCount);
        var bitErrors = run.Trainer.BitErrors.ToList();
        if (clip.Codes is not null)
        {
            long wrong = 0;
            for (long i = 0; i < clip.Codes.LongLength; i++)
                if (clip.Codes[i] != reconstruction.Codes![i]) wrong++;
            var first = wrong == 0 ? bitErrors.FirstOrDefault(p => p.Exact) : null;
            result = result with { WrongSamples = wrong, StepsToLossless = first?.Step, SecondsToLossless = first?.Seconds };
        }

        WavFile.Save(staging.PathOf("reconstruction.wav"), reconstruction);
        run.SaveCheckpointAndCurve(staging, $"{Path.GetFileName(path)}: {configName}");
        Waveform(staging.PathOf("waveform.png"), clip, source, decoded);
        if (bitErrors.Count > 0)
            Plots.BitPlanes(staging.PathOf("bitplanes.png"), $"{Path.GetFileName(path)}: bit error rate per plane ({configName})", bitErrors, clip.Info.BitDepth);
        var metrics = new JsonObject
        {
            ["audio"] = Path.GetFullPath(path),
            ["config"] = configName,
            ["sample_rate"] = clip.Format.SampleRate,
            ["channels"] = clip.Format.Channels,
            ["bits_per_sample"] = clip.Format.BitsPerSample,
            ["float"] = clip.Format.IsFloat,
            ["frames"] = clip.Frames,
            ["snr"] = Round(result.Snr),
            ["psnr"] = Round(result.Psnr),
            ["steps"] = result.Steps,
            ["seconds"] = Math.Round(result.Seconds, 3),
            ["samples_per_second"] = Math.Round(result.SamplesPerSecond),
            ["parameters"] = result.Parameters,
            ["seed"] = seed,
            ["model"] = JsonNode.Parse(ConfigJson.Serialize(run.Model.Config)),
        };
        if (clip.Codes is not null)
        {
            metrics["lossless"] = result.WrongSamples == 0;
            metrics["wrong_samples"] = result.WrongSamples;
        }
        if (bitErrors.Count > 0)
        {
            metrics["steps_to_lossless"] = result.StepsToLossless;
            metrics["seconds_to_lossless"] = result.SecondsToLossless is double s ? Math.Round(s, 3) : null;
        }
        AtomicFile.WriteAllText(staging.PathOf("metrics.json"), metrics.ToJsonString(ConfigJson.Options));
        staging.Commit();
        return result;
    }

    /// <summary>Signal-to-noise ratio in dB of amplitudes: 10·log10(Σa² / Σ(a − â)²).</summary>
    public static double Snr(ReadOnlySpan<float> source, ReadOnlySpan<float> decoded)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i < source.Length; i++)
        {
            signal += (double)source[i] * source[i];
            double e = source[i] - decoded[i];
            noise += e * e;
        }
        return noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
    }

    private static JsonNode? Round(double v) => double.IsFinite(v) ? Math.Round(v, 4) : "inf";

    /// <summary>First channel's waveform, the reconstruction and the error (drawn 2 lower), at most 4000 points.</summary>
    private static void Waveform(string path, AudioSignal clip, float[] source, float[] decoded)
    {
        int channels = clip.Format.Channels;
        long frames = clip.Frames;
        int stride = (int)Math.Max(1, frames / 4000);
        var t = new List<double>();
        var a = new List<double>();
        var b = new List<double>();
        var e = new List<double>();
        for (long i = 0; i < frames; i += stride)
        {
            t.Add((double)i / clip.Format.SampleRate);
            a.Add(source[i * channels]);
            b.Add(decoded[i * channels]);
            e.Add(decoded[i * channels] - source[i * channels] - 2);
        }
        Plots.Lines(path, "waveform (top) and error, drawn 2 lower", "seconds", "amplitude",
            [new Plots.Series("source", t, a), new Plots.Series("reconstruction", t, b), new Plots.Series("error − 2", t, e)]);
    }
}
