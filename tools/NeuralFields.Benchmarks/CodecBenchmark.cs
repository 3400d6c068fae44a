using System.Globalization;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Rate–distortion of neural files (COIN-style SIREN sizes at several bit widths, decoded by the portable
/// decoder) against JPEG at the nearest bpp, and lossless neural files (model + residual) against PNG at
/// its best compression, on centre crops. Averages over the images at the end.
/// </summary>
internal static class CodecBenchmark
{
    /// <summary>Rate points: SIREN depth × width (COIN's shapes) and weight bits.</summary>
    private static readonly (int Hidden, int Width, int Bits)[] Points = [(5, 20, 8), (10, 28, 6), (10, 28, 8), (10, 40, 8)];

    public static int Run(Arguments arguments)
    {
        Torch.EnsureLoaded();
        int crop = arguments.Crops.Length > 0 ? arguments.Crops[0] : 256;
        int steps = arguments.StepsGiven ?? 1000;
        var coin = Presets.Load("coin");
        Console.WriteLine($"neural files: COIN-style SIREN (linear head, Adam {coin.Training.LearningRate}), {steps} steps + QAT steps/5 below 8 bits, seed 0, {crop}x{crop} centre crops");
        Console.WriteLine("| image | codec | bpp | PSNR (dB) | JPEG quality at that bpp | JPEG bpp | JPEG PSNR (dB) | seconds |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        var rows = new List<(string Codec, double Bpp, double Psnr, double JpegBpp, double JpegPsnr)>();
        var lossless = new List<(string Image, int Bits, double Nf, double Png)>();
        foreach (var file in BenchmarkImages.Files(arguments.Inputs))
        {
            var image = BenchmarkImages.Crop(ImageFile.Load(file, AlphaMode.Drop), crop);
            string name = Path.GetFileName(file);
            if (image.BitDepth == 8)
            {
                foreach (var (hidden, width, bits) in Points)
                {
                    var config = coin with { Network = ((MlpConfig)coin.Network) with { HiddenLayers = hidden, Width = width } };
                    var result = FieldCompressor.Compress(image.Info, image.Samples, new CompressionOptions(config) { Steps = steps, Bits = bits });
                    double bpp = result.BitsPerGridPoint;
                    var (quality, jpegBpp, jpegPsnr) = JpegAt(image, bpp);
                    string codec = $"nf {hidden}x{width} {bits}-bit";
                    rows.Add((codec, bpp, result.Psnr, jpegBpp, jpegPsnr));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | {codec} | {bpp:F3} | {result.Psnr:F2} | {quality} | {jpegBpp:F3} | {jpegPsnr:F2} | {result.Seconds:F0} |"));
                }
            }
            var exact = FieldCompressor.Compress(image.Info, image.Samples, new CompressionOptions(coin) { Steps = steps, Lossless = true });
            if (!FieldDecoder.Decode(exact.File).Samples.AsSpan().SequenceEqual(image.Samples))
                throw new InvalidOperationException("lossless round trip failed");
            double pixels = (double)image.Width * image.Height;
            lossless.Add((name, image.BitDepth, exact.BitsPerGridPoint, ClassicCodecs.PngBytes(image) * 8 / pixels));
        }

        Console.WriteLine();
        Console.WriteLine("mean over images:");
        Console.WriteLine("| codec | bpp | PSNR (dB) | JPEG bpp | JPEG PSNR (dB) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var group in rows.GroupBy(r => r.Codec))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key} | {group.Average(r => r.Bpp):F3} | {group.Average(r => r.Psnr):F2} | {group.Average(r => r.JpegBpp):F3} | {group.Average(r => r.JpegPsnr):F2} |"));
        Console.WriteLine("COIN published (Kodak 768x512, 50k steps, fp16): 0.074 bpp 23.21 dB, 0.160 24.64, 0.307 26.41, 0.611 28.41, 1.209 30.64");
        Console.WriteLine();
        Console.WriteLine("lossless (nf: coin model, 8-bit weights + entropy-coded residual; PNG: ImageSharp best compression, adaptive filters):");
        Console.WriteLine("| image | bits | nf lossless bpp | PNG bpp |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, bits, nf, png) in lossless)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {bits} | {nf:F3} | {png:F3} |"));
        return 0;
    }

    /// <summary>The JPEG quality whose size is nearest to <paramref name="bpp"/>, its bpp and PSNR.</summary>
    private static (int Quality, double Bpp, double Psnr) JpegAt(ImageSignal image, double bpp)
    {
        double pixels = (double)image.Width * image.Height;
        var best = (Quality: 0, Bpp: double.NaN, Psnr: double.NaN);
        for (int quality = 1; quality <= 100; quality++)
        {
            var (bytes, decoded) = ClassicCodecs.Jpeg(image, quality);
            double b = bytes * 8 / pixels;
            if (best.Quality == 0 || Math.Abs(b - bpp) < Math.Abs(best.Bpp - bpp))
                best = (quality, b, Core.Metrics.Psnr.Compute(image.Values(), decoded.Values()));
        }
        return best;
    }
}
