using System.Diagnostics;
using System.Globalization;
using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Codec.Predictive;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Predictive lossless neural files (format 4) against the classic lossless coders, in one run: bits per pixel for
/// images (optipng -o7, cwebp -lossless -z 9, OpenJPEG lossless, cjxl -d 0 -e 7 and -e 9, each when installed) and
/// bits per sample for WAV clips (flac -8; float clips are first rounded to 16-bit PCM), with encode and decode times.
/// </summary>
internal static class LosslessCodecBenchmark
{
    private static readonly (string Name, string Program, string Extension, Func<string, string, string> Arguments)[] ImageCoders =
    [
        ("optipng -o7", "optipng", "png", (src, dst) => $"-o7 -quiet -out {dst} {src}"),
        ("WebP -z 9", "cwebp", "webp", (src, dst) => $"-lossless -z 9 -quiet {src} -o {dst}"),
        ("JPEG 2000", "opj_compress", "jp2", (src, dst) => $"-i {src} -o {dst}"),
        ("JXL -e 7", "cjxl", "jxl", (src, dst) => $"-d 0 -e 7 --quiet {src} {dst}"),
        ("JXL -e 9", "cjxl", "jxl", (src, dst) => $"-d 0 -e 9 --quiet {src} {dst}"),
    ];

    public static int Run(Arguments arguments)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"nf-lossless-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        // --presets LxW+LxW,...: per run, the network sizes each plane chooses from, L hidden layers of W units (default: the codec's).
        var defaults = new PredictiveOptions();
        var runs = arguments.Presets.Length > 0 ? arguments.Presets : [string.Join("+", defaults.Networks)];
        foreach (var run in runs)
        {
            var options = defaults with
            {
                Steps = arguments.StepsGiven ?? defaults.Steps,
                Networks = run.Split('+').Select(size =>
                {
                    var parts = size.Split('x');
                    return new NetworkSize(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
                }).ToArray(),
                TrainingSamples = arguments.TrainingSamples ?? defaults.TrainingSamples,
            };
            Run(arguments, options, folder);
        }
        Directory.Delete(folder, recursive: true);
        return 0;
    }

    private static void Run(Arguments arguments, PredictiveOptions options, string folder)
    {
        int crop = arguments.Crops.Length > 0 ? arguments.Crops[0] : 0;
        Console.WriteLine($"predictive lossless (format 4), {string.Join(" or ", options.Networks)} ReLU + skip per plane, {options.Steps} steps, seed 0; bits per pixel (images) or per sample (audio)");
        var coders = ImageCoders.Where(c => !arguments.NoPeers && PeerCodecs.Installed(c.Program)).ToArray();
        Console.WriteLine();
        Console.WriteLine($"| image | size | nf | mode | encode s | decode s | {string.Join(" | ", coders.Select(c => c.Name))} | nf / WebP | nf / JXL e7 |");
        Console.WriteLine($"|---|---|---:|---|---:|---:|{string.Concat(coders.Select(_ => "---:|"))}---:|---:|");
        var audio = new List<string>();
        foreach (var file in arguments.Inputs.SelectMany(Expand))
        {
            if (file.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)) audio.Add(file);
            else Console.WriteLine(ImageRow(file, crop, options, coders, folder));
        }
        if (audio.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("| clip | frames x channels | nf bits/sample | mode | encode s | decode s | flac -8 | nf / flac |");
            Console.WriteLine("|---|---|---:|---|---:|---:|---:|---:|");
            foreach (var file in audio) Console.WriteLine(AudioRow(arguments, file, options, folder));
        }
    }

    private static IEnumerable<string> Expand(string path) => Directory.Exists(path)
        ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
        : [path];

    private static string ImageRow(string file, int crop, PredictiveOptions options, (string Name, string Program, string Extension, Func<string, string, string> Arguments)[] coders, string folder)
    {
        var image = BenchmarkImages.Crop(ImageFile.Load(file, AlphaMode.Keep), crop);
        string source = Path.Combine(folder, "source.png");
        ImageFile.SavePng(source, image);
        double pixels = (double)image.Width * image.Height;
        var (bpp, mode, encode, decode) = Neural(image.Info, image.Samples, null, options, pixels);
        var peers = coders.Select(c => c.Program == "cwebp" && image.BitDepth > 8 ? null : Peer(c.Program, c.Arguments, source, Path.Combine(folder, "coded." + c.Extension), pixels)).ToArray();
        int webp = Array.FindIndex(coders, c => c.Program == "cwebp");
        int jxl = Array.FindIndex(coders, c => c.Name == "JXL -e 7");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(file)} | {image.Width}x{image.Height}x{image.Channels} {image.BitDepth}-bit | {bpp:F3} | {mode} | {encode:F1} | {decode:F2} | " +
            $"{string.Join(" | ", peers.Select(p => p is null ? "–" : p.Value.ToString("F3", CultureInfo.InvariantCulture)))} | {Ratio(bpp, webp >= 0 ? peers[webp] : null)} | {Ratio(bpp, jxl >= 0 ? peers[jxl] : null)} |");
    }

    private static string AudioRow(Arguments arguments, string file, PredictiveOptions options, string folder)
    {
        var clip = WavFile.Load(file);
        string pcm = Path.Combine(folder, "clip16.wav");
        var format = clip.Format;
        var pcmClip = format.IsFloat || format.BitsPerSample > 16
            ? AudioSignal.FromValues(clip.Values(), format with { BitsPerSample = 16, IsFloat = false })
            : clip;
        WavFile.Save(pcm, pcmClip);
        var signal = new AudioModality().Load(pcm, new LoadOptions());
        double samples = (double)signal.Info.SampleCount * signal.Info.Channels;
        var (bits, mode, encode, decode) = Neural(signal.Info, signal.Samples, signal.Attributes, options, samples);
        double? flac = PeerCodecs.Installed("flac") && !arguments.NoPeers ? Peer("flac", (src, dst) => $"-8 -f -s -o {dst} {src}", pcm, Path.Combine(folder, "clip.flac"), samples) : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {Path.GetFileName(file)} | {signal.Info.SampleCount}x{signal.Info.Channels} | {bits:F3} | {mode} | {encode:F1} | {decode:F2} | {(flac is null ? "–" : flac.Value.ToString("F3", CultureInfo.InvariantCulture))} | {Ratio(bits, flac)} |");
    }

    private static (double Bits, string Mode, double Encode, double Decode) Neural(Schema.SignalInfo info, ushort[] samples,
        IReadOnlyDictionary<string, string>? attributes, PredictiveOptions options, double units)
    {
        var clock = Stopwatch.StartNew();
        var result = PredictiveCompressor.Compress(info, samples, options, attributes);
        double encode = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var decoded = PredictiveFile.Decode(result.File);
        double decode = clock.Elapsed.TotalSeconds;
        if (!decoded.Samples.AsSpan().SequenceEqual(samples)) throw new InvalidOperationException("round trip failed");
        var h = result.Header;
        string mode = (h.Mode == PredictiveMode.Network ? $"network {string.Join("/", h.Nets.Select(n => $"{n.HiddenLayers}x{n.Width}"))} {h.Transform}" : $"{h.Mode} {h.Transform}")
            + (h.Stages.Count > 0 ? $" + cascade {string.Join("+", h.Stages.Select(s => $"{s.Order}/{s.StepShift}"))}" : "") + (h.Mixing ? ", mixed" : "");
        return (result.File.Length * 8 / units, mode, encode, decode);
    }

    private static double? Peer(string program, Func<string, string, string> arguments, string source, string coded, double units)
    {
        File.Delete(coded);
        using var process = Process.Start(new ProcessStartInfo(program, arguments(source, coded)) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && File.Exists(coded) ? new FileInfo(coded).Length * 8 / units : null;
    }

    private static string Ratio(double nf, double? peer) => peer is { } p ? (nf / p).ToString("F3", CultureInfo.InvariantCulture) : "–";
}
