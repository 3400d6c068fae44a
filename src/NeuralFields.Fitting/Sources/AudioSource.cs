using System.Globalization;
using System.Text.Json.Nodes;
using NeuralFields.Backends;
using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Rendering;
using NeuralFields.Fitting.Output;
using NeuralFields.Schema;
using NeuralFields.Signals.Audio;
using static NeuralFields.Fitting.Output.MetricsJson;
using NeuralFields.Core.Training.Samples;

namespace NeuralFields.Fitting.Sources;

/// <summary>
/// A WAV clip: one time coordinate in [-1,1] at sample centres, one output per channel, written back in the
/// source's own format. Integer PCM of at most 16 bits can be fitted exactly through a bit-plane head.
/// </summary>
public sealed class AudioSource(AudioSignal clip, string origin) : FitSource
{
    public AudioSignal Clip => clip;

    public override SignalInfo Info => clip.Info;

    public override string Origin => origin;

    public override string OriginKey => "audio";

    public override void Check(FieldConfig config, FitOptions options)
    {
        if (options.Lossless && (clip.Codes is null || clip.Format.BitsPerSample > 16))
            throw new NeuralFieldsException($"--lossless needs integer PCM of at most 16 bits; {Label} is {(clip.Format.IsFloat ? "float" : "PCM")} {clip.Format.BitsPerSample}-bit");
        ImageSource.RequireBitPlanesWhenLossless(config, options);
        if (options.Accelerator is not (Backends.AcceleratorChoice.Auto or Backends.AcceleratorChoice.Torch))
            throw new NeuralFieldsException("--accelerator applies to images");
    }

    public override long SampleBytes => 4L * clip.Frames * clip.Format.Channels;

    /// <summary>The float copy the clip is made from and the decoded clip, twice over for the garbage collector's slack (measured: 16 B a sample).</summary>
    public override long ReconstructionBytes => 16L * clip.Frames * clip.Format.Channels;

    public override ITrainingSamples TrainingSamples(long seed) => GridSamples.FromValues(Info.Dimensions, clip.Format.Channels, clip.Values());

    public override bool ReconstructionMeasuresTrainingSamples => true;

    public override Reconstruction Reconstruct(FieldModel model, FitOptions options)
    {
        // Rendered a chunk at a time into the one float copy the clip is made from; measured sample by sample.
        var values = new float[clip.Frames * clip.Format.Channels];
        var field = new SquaredErrors();
        FieldRendering.Stream(model, Info.Dimensions, AcceleratorChoice.Torch, null, (first, chunk) =>
        {
            long at = first * clip.Format.Channels;
            chunk.CopyTo(values, at);
            for (int i = 0; i < chunk.Length; i++) field.Add(chunk[i], clip.Value(at + i));
        });
        var decoded = AudioSignal.FromValues(values, clip.Format);
        var exactness = clip.Codes is null ? null : Exactness.Of<uint>(clip.Codes, decoded.Codes!, Math.Min(clip.Format.BitsPerSample, 32));
        var psnr = new SquaredErrors();
        for (long i = 0; i < values.LongLength; i++) psnr.Add(decoded.Value(i), clip.Value(i));
        return new AudioReconstruction(clip, decoded, Snr(clip, decoded), psnr.Psnr, field.Psnr, exactness);
    }

    /// <summary>Signal-to-noise ratio in dB of amplitudes: 10·log10(Σa² / Σ(a − â)²).</summary>
    public static double Snr(AudioSignal source, AudioSignal decoded)
    {
        double signal = 0, noise = 0;
        for (long i = 0; i < source.Frames * source.Format.Channels; i++)
        {
            float a = source.Amplitude(i);
            signal += (double)a * a;
            double e = a - decoded.Amplitude(i);
            noise += e * e;
        }
        return noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
    }
}

/// <summary>The fitted clip in the source's format, with SNR (amplitudes) and PSNR (values in [0,1]).</summary>
public sealed class AudioReconstruction(AudioSignal source, AudioSignal clip, double snr, double psnr, double fieldPsnr, Exactness? exactness) : Reconstruction
{
    public AudioSignal Clip => clip;

    public double Snr => snr;

    public override double? Psnr => psnr;

    public override double? FieldPsnr => fieldPsnr;

    public override Exactness? Exactness => exactness;

    public override string Summary => string.Create(CultureInfo.InvariantCulture, $"SNR {Db(snr)} dB, PSNR {Db(psnr)} dB");

    private static string Db(double v) => double.IsPositiveInfinity(v) ? "inf" : v.ToString("F2", CultureInfo.InvariantCulture);

    public override void AddMetrics(JsonObject metrics)
    {
        var f = source.Format;
        metrics["sample_rate"] = f.SampleRate;
        metrics["channels"] = f.Channels;
        metrics["bits_per_sample"] = f.BitsPerSample;
        metrics["float"] = f.IsFloat;
        metrics["frames"] = source.Frames;
        metrics["snr"] = Finite(snr);
        metrics["psnr"] = Finite(psnr);
    }

    public override void Save(StagingDirectory staging, FitResult result)
    {
        WavFile.Save(staging.PathOf("reconstruction.wav"), clip);
        Waveform(staging.PathOf("waveform.png"));
    }

    /// <summary>First channel's waveform, the reconstruction and the error (drawn 2 lower), at most 4000 points.</summary>
    private void Waveform(string path)
    {
        int channels = source.Format.Channels;
        long frames = source.Frames;
        int stride = (int)Math.Max(1, frames / 4000);
        var t = new List<double>();
        var a = new List<double>();
        var b = new List<double>();
        var e = new List<double>();
        for (long i = 0; i < frames; i += stride)
        {
            t.Add((double)i / source.Format.SampleRate);
            float original = source.Amplitude(i * channels), decoded = clip.Amplitude(i * channels);
            a.Add(original);
            b.Add(decoded);
            e.Add(decoded - original - 2);
        }
        Plots.Lines(path, "waveform (top) and error, drawn 2 lower", "seconds", "amplitude",
            [new Plots.Series("source", t, a), new Plots.Series("reconstruction", t, b), new Plots.Series("error − 2", t, e)]);
    }
}
