using System.Diagnostics;
using System.Globalization;
using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>
/// The classic encoders a neural file is measured against, run as installed programs (Debian: libjpeg-turbo-progs,
/// webp, libavif-bin, libjxl-tools, libopenjp2-tools), each searched by bisection on its quality knob to the file
/// size nearest a target, decoded by its own decoder and measured by PSNR against the source.
/// </summary>
internal static class PeerCodecs
{
    /// <summary>Name, encoder program, quality knob from the low-quality to the high-quality end, whether it is an integer.</summary>
    public static readonly (string Name, string Program, double Low, double High, bool Integer)[] All =
    [
        ("libjpeg", "cjpeg", 1, 100, true),
        ("WebP", "cwebp", 0, 100, true),
        ("AVIF", "avifenc", 63, 0, true),
        ("JPEG XL", "cjxl", 25, 0.05, false),
        ("JPEG 2000", "opj_compress", 500, 1.5, false),
    ];

    /// <summary>The installed peers among those <paramref name="wanted"/> accepts (every one by default), with a note printed for each one missing.</summary>
    public static List<string> Available(Func<string, bool>? wanted = null)
    {
        var chosen = All.Where(c => wanted?.Invoke(c.Name) ?? true).ToList();
        foreach (var missing in chosen.Where(c => !Installed(c.Program)))
            Console.WriteLine($"note: {missing.Program} is not installed: {missing.Name} is skipped");
        return chosen.Where(c => Installed(c.Program)).Select(c => c.Name).ToList();
    }

    /// <summary>Each of <paramref name="peers"/> searched to <paramref name="targetBpp"/> (null where it failed), leaving <paramref name="folder"/> empty.</summary>
    public static List<(double Bpp, double Psnr)?> AtEach(IReadOnlyList<string> peers, ImageSignal image, double targetBpp, string folder)
    {
        var results = peers.Select(peer => At(peer, image, targetBpp, folder)).ToList();
        foreach (var file in Directory.EnumerateFiles(folder)) File.Delete(file);
        return results;
    }

    /// <summary>A table cell: "bpp / PSNR", or "failed".</summary>
    public static string Cell((double Bpp, double Psnr)? at) =>
        at is { } q ? string.Create(CultureInfo.InvariantCulture, $"{q.Bpp:F3} / {q.Psnr:F2}") : "failed";

    public static bool Installed(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    /// <summary>The (bpp, PSNR) of the encoding whose size is nearest <paramref name="targetBpp"/>; null when the encoder fails.</summary>
    public static (double Bpp, double Psnr)? At(string name, ImageSignal image, double targetBpp, string folder)
    {
        var codec = All.First(c => c.Name == name);
        string png = Path.Combine(folder, "source.png"), ppm = Path.Combine(folder, "source.ppm");
        if (!File.Exists(png)) ImageFile.SavePng(png, image);
        if (!File.Exists(ppm)) WritePnm(ppm, image);
        double pixels = (double)image.Width * image.Height, lo = codec.Low, hi = codec.High;
        (double Bpp, double Psnr)? best = null;
        for (int i = 0; i < 16; i++)
        {
            double mid = (lo + hi) / 2;
            if (codec.Integer) mid = Math.Round(mid);
            var encoded = Encode(name, png, ppm, mid, folder);
            if (encoded is null) return best;
            var (bytes, decoded) = encoded.Value;
            double bpp = bytes * 8 / pixels;
            double psnr = Core.Metrics.Psnr.Compute(image.Values(), decoded.Values());
            if (best is null || Math.Abs(bpp - targetBpp) < Math.Abs(best.Value.Bpp - targetBpp)) best = (bpp, psnr);
            if (bpp > targetBpp) hi = mid;
            else lo = mid;
            if (codec.Integer && Math.Abs(hi - lo) <= 1) break;
        }
        return best;
    }

    private static (long Bytes, ImageSignal Decoded)? Encode(string name, string png, string ppm, double q, string folder)
    {
        string knob = q.ToString("0.###", CultureInfo.InvariantCulture);
        string extension = name switch { "libjpeg" => "jpg", "WebP" => "webp", "AVIF" => "avif", "JPEG XL" => "jxl", _ => "jp2" };
        string coded = Path.Combine(folder, "coded." + extension), back = Path.Combine(folder, name == "libjpeg" ? "back.ppm" : "back.png");
        File.Delete(coded);
        File.Delete(back);
        bool ok = name switch
        {
            "libjpeg" => Run("cjpeg", $"-optimize -quality {knob} -outfile {coded} {ppm}") && Run("djpeg", $"-outfile {back} {coded}"),
            "WebP" => Run("cwebp", $"-q {knob} -m 6 -quiet {png} -o {coded}") && Run("dwebp", $"{coded} -o {back} -quiet"),
            "AVIF" => Run("avifenc", $"--min {knob} --max {knob} -s 4 -y 444 {png} {coded}") && Run("avifdec", $"{coded} {back}"),
            "JPEG XL" => Run("cjxl", $"-d {knob} -e 7 --quiet {png} {coded}") && Run("djxl", $"{coded} {back} --quiet"),
            _ => Run("opj_compress", $"-i {png} -o {coded} -r {knob}") && Run("opj_decompress", $"-i {coded} -o {back}"),
        };
        if (!ok || !File.Exists(back)) return null;
        return (new FileInfo(coded).Length, ImageFile.Load(back, AlphaMode.Drop));
    }

    private static bool Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    /// <summary>8-bit binary PPM (RGB) or PGM (gray): what cjpeg reads.</summary>
    private static void WritePnm(string path, ImageSignal image)
    {
        using var stream = File.Create(path);
        var header = System.Text.Encoding.ASCII.GetBytes($"{(image.Channels == 1 ? "P5" : "P6")}\n{image.Width} {image.Height}\n255\n");
        stream.Write(header);
        var bytes = new byte[image.Width * image.Height * Math.Min(3, image.Channels)];
        int channels = image.Channels, keep = Math.Min(3, channels);
        for (int p = 0; p < image.Width * image.Height; p++)
            for (int c = 0; c < keep; c++)
                bytes[p * keep + c] = (byte)image.Samples[p * channels + c];
        stream.Write(bytes);
    }
}
