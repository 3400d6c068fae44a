using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Latent;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Fitting.Output;
using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>
/// The latent-grid codec's rate-distortion curve (one file per λ, PSNR as the portable decoder decodes it) against
/// the installed classic encoders searched to the same sizes, with Bjøntegaard rate differences against each and
/// Cool-chic's published Kodak points; writes latent-rd.png and latent-rd.json (CompressAI's result layout).
/// </summary>
internal static class LatentBenchmark
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly double[] DefaultLambdas = [1e-2, 3e-3, 1e-3, 3e-4];

    /// <summary>Cool-chic 5.0, mean of the 24 full Kodak images (its published results).</summary>
    private static readonly (double Bpp, double Psnr)[] CoolChic = [(0.084, 27.44), (0.219, 30.86), (0.482, 34.52), (0.759, 37.25), (1.357, 41.17)];

    private sealed record Point(double Bpp, double Psnr);

    public static int Run(Arguments arguments)
    {
        Torch.EnsureLoaded();
        int crop = arguments.Crops.Length > 0 ? arguments.Crops[0] : 0;
        string preset = arguments.Presets.Length > 0 ? arguments.Presets[0] : "latent";
        // A preset name, or a config file (to compare variants of a preset).
        var config = File.Exists(preset) ? Schema.Serialization.ConfigJson.Load(preset) : Presets.Load(preset);
        int steps = arguments.StepsGiven ?? config.Training.Steps;
        var lambdas = arguments.Lambdas.Length > 0 ? arguments.Lambdas : DefaultLambdas;
        var peers = PeerCodecs.Available();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latent-grid codec: preset {preset}, {steps} steps, seed 0, λ {string.Join(", ", lambdas)}; {(crop > 0 ? $"{crop}x{crop} centre crops" : "whole images")}; peers searched to the neural file's size"));
        Console.WriteLine($"| image | λ | nf bpp | nf PSNR | encode s | decode s | {string.Join(" | ", peers.Select(p => $"{p} bpp / PSNR"))} |");
        Console.WriteLine($"|---|---:|---:|---:|---:|---:|{string.Concat(peers.Select(_ => "---:|"))}");
        var curves = new Dictionary<string, Dictionary<string, List<Point>>>();   // image → codec → points
        string scratch = Directory.CreateTempSubdirectory("nf-bench-latent").FullName;
        try
        {
            foreach (var file in BenchmarkImages.Files(arguments.Inputs))
            {
                var image = BenchmarkImages.Crop(ImageFile.Load(file, AlphaMode.Drop), crop);
                string name = Path.GetFileName(file);
                var codecs = curves[name] = new() { ["nf"] = [] };
                foreach (var peer in peers) codecs[peer] = [];
                foreach (double lambda in lambdas)
                {
                    var result = LatentCompressor.Compress(image.Info, image.Samples, new LatentOptions(config) { Lambda = lambda, Steps = steps });
                    var clock = Stopwatch.StartNew();
                    FieldDecoder.Decode(result.File);
                    double decodeSeconds = clock.Elapsed.TotalSeconds;
                    codecs["nf"].Add(new Point(result.BitsPerGridPoint, result.Psnr));
                    var at = PeerCodecs.AtEach(peers, image, result.BitsPerGridPoint, scratch);
                    for (int i = 0; i < peers.Count; i++)
                        if (at[i] is { } p) codecs[peers[i]].Add(new Point(p.Bpp, p.Psnr));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | {lambda:G3} | {result.BitsPerGridPoint:F3} | {result.Psnr:F2} | {result.Seconds:F0} | {decodeSeconds:F2} | {string.Join(" | ", at.Select(PeerCodecs.Cell))} |"));
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        Report(curves, peers, lambdas.Length, crop, arguments.Out);
        return 0;
    }

    private static void Report(Dictionary<string, Dictionary<string, List<Point>>> curves, List<string> peers, int points, int crop, string folder)
    {
        Console.WriteLine();
        Console.WriteLine("BD-rate of nf against each codec (mean over images; negative: nf needs fewer bits for the same PSNR; piecewise-linear log-rate over the overlapping PSNR range):");
        foreach (var peer in peers)
        {
            var rates = curves.Values.Select(c => BdRate(c[peer], c["nf"])).Where(double.IsFinite).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  vs {peer}: {(rates.Count > 0 ? $"{100 * rates.Average():+0.0;-0.0} %" : "no overlap")} ({rates.Count} of {curves.Count} images)"));
        }
        var mean = new Dictionary<string, List<Point>>();
        foreach (var codec in new[] { "nf" }.Concat(peers))
            mean[codec] = Enumerable.Range(0, points)
                .Where(i => curves.Values.All(c => c[codec].Count > i))
                .Select(i => new Point(curves.Values.Average(c => c[codec][i].Bpp), curves.Values.Average(c => c[codec][i].Psnr))).ToList();
        Console.WriteLine("mean over images (bpp / PSNR):");
        foreach (var (codec, list) in mean)
            Console.WriteLine($"  {codec}: {string.Join(", ", list.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Bpp:F3} / {p.Psnr:F2}")))}");
        Console.WriteLine($"Cool-chic 5.0 published (24 full Kodak images): {string.Join(", ", CoolChic.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Bpp:F3} / {p.Psnr:F2}")))}");
        // Only a rough distance: Cool-chic's curve is the mean of all 24 images, nf's of the images given here.
        if (crop == 0 && BdRate([.. CoolChic.Select(p => new Point(p.Bpp, p.Psnr))], mean["nf"]) is var coolChic && double.IsFinite(coolChic))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  BD-rate of nf's mean curve against Cool-chic's published one (different image sets): {100 * coolChic:+0.0;-0.0} %"));
        var series = mean.Select(m => new Plots.Series(m.Key == "nf" ? "nf latent grids" : m.Key, m.Value.Select(p => p.Bpp).ToList(), m.Value.Select(p => p.Psnr).ToList())).ToList();
        if (crop == 0) series.Add(new Plots.Series("Cool-chic 5.0 (published, 24 images)", CoolChic.Select(p => p.Bpp).ToList(), CoolChic.Select(p => p.Psnr).ToList()));
        Directory.CreateDirectory(folder);
        Plots.Lines(Path.Combine(folder, "latent-rd.png"), $"PSNR against rate, mean of {curves.Count} image(s)", "bits per pixel", "PSNR (dB)", series);
        var json = mean.Select(m => new { name = m.Key, results = new { bpp = m.Value.Select(p => p.Bpp), psnr = m.Value.Select(p => p.Psnr) } });
        File.WriteAllText(Path.Combine(folder, "latent-rd.json"), JsonSerializer.Serialize(json, Indented));
        Console.WriteLine($"wrote {Path.Combine(folder, "latent-rd.png")} and latent-rd.json");
    }

    /// <summary>
    /// Bjøntegaard rate difference of <paramref name="test"/> against <paramref name="reference"/>: the mean of
    /// log10(rate) difference over their common PSNR range, both curves interpolated linearly in PSNR, as a fraction.
    /// </summary>
    private static double BdRate(List<Point> reference, List<Point> test)
    {
        if (reference.Count < 2 || test.Count < 2) return double.NaN;
        var a = reference.OrderBy(p => p.Psnr).ToList();
        var b = test.OrderBy(p => p.Psnr).ToList();
        double low = Math.Max(a[0].Psnr, b[0].Psnr), high = Math.Min(a[^1].Psnr, b[^1].Psnr);
        if (!(high > low)) return double.NaN;
        double sum = 0;
        const int samples = 200;
        for (int i = 0; i <= samples; i++)
        {
            double psnr = low + (high - low) * i / samples;
            sum += LogRateAt(b, psnr) - LogRateAt(a, psnr);
        }
        return Math.Pow(10, sum / (samples + 1)) - 1;
    }

    private static double LogRateAt(List<Point> curve, double psnr)
    {
        int i = 1;
        while (i < curve.Count - 1 && curve[i].Psnr < psnr) i++;
        var (p, q) = (curve[i - 1], curve[i]);
        double t = q.Psnr == p.Psnr ? 0 : (psnr - p.Psnr) / (q.Psnr - p.Psnr);
        return Math.Log10(p.Bpp) + t * (Math.Log10(q.Bpp) - Math.Log10(p.Bpp));
    }
}
