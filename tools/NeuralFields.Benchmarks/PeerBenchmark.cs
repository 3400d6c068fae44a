using System.Diagnostics;
using System.Globalization;
using NeuralFields.Codec.Decoder;
using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>
/// Neural files already made (by `nf compress`, any size or preset) against the classic encoders at each file's
/// size: the file's bpp and PSNR as decoded, then every installed peer (or those --presets names) searched to that
/// size on the same image.
/// </summary>
internal static class PeerBenchmark
{
    public static int Run(Arguments arguments)
    {
        if (arguments.Inputs.Count < 2)
        {
            Console.Error.WriteLine("usage: nf-bench peers IMAGE FILE.nf [FILE.nf ...]");
            return 2;
        }
        var image = ImageFile.Load(arguments.Inputs[0], AlphaMode.Drop);
        // --presets WebP,libjpeg narrows the peers (AVIF's search on a 12 MP image takes many minutes).
        var peers = PeerCodecs.Available(name => arguments.Presets.Length == 0 || arguments.Presets.Contains(name, StringComparer.OrdinalIgnoreCase));
        Console.WriteLine($"| file | nf bpp | nf PSNR | decode s | {string.Join(" | ", peers.Select(p => $"{p} bpp / PSNR"))} |");
        Console.WriteLine($"|---|---:|---:|---:|{string.Concat(peers.Select(_ => "---:|"))}");
        string scratch = Directory.CreateTempSubdirectory("nf-bench-peers").FullName;
        try
        {
            foreach (var path in arguments.Inputs.Skip(1))
            {
                var bytes = File.ReadAllBytes(path);
                var clock = Stopwatch.StartNew();
                var decoded = FieldDecoder.Decode(bytes);
                double seconds = clock.Elapsed.TotalSeconds;
                if (decoded.Info != image.Info)
                {
                    Console.Error.WriteLine($"{path} holds a {decoded.Info}, not {arguments.Inputs[0]}'s {image.Info}");
                    return 2;
                }
                double bpp = bytes.Length * 8.0 / ((double)image.Width * image.Height);
                double psnr = Core.Metrics.Psnr.Compute(image.Samples, decoded.Samples, 1f / image.Info.MaxValue);
                var cells = PeerCodecs.AtEach(peers, image, bpp, scratch).Select(PeerCodecs.Cell);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {Path.GetFileName(path)} | {bpp:F3} | {psnr:F2} | {seconds:F2} | {string.Join(" | ", cells)} |"));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        return 0;
    }
}
