using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>
/// `nf-bench photos KODAK_FOLDER [--sizes 4000x3000,2304x1536,768x512] [--times 60,300,900] [--nf PATH/nf.dll] [--out DIR] [--no-render]`:
/// real photos with the defaults. Each size is a mosaic of the Kodak images at their own resolution (landscape ones,
/// row by row, cropped to the size; 768x512 is kodim23 itself), fitted by `nf fit` as a user runs it, with --time T
/// for each T: PSNR after T seconds of training and the peak resident memory (/usr/bin/time -v), plus `nf render`
/// of the last fit at 10000x7500 and its peak memory. Results are written to DIR/photos.json after every run.
/// </summary>
internal static class PhotoBenchmark
{
    public static int Run(string[] args)
    {
        string? kodak = null, nf = null, outDir = Path.Combine(Path.GetTempPath(), "nf-bench-photos");
        var sizes = new List<(int W, int H)> { (4000, 3000), (2304, 1536), (768, 512) };
        var times = new List<double> { 60, 300, 900 };
        bool render = true;
        for (int i = 0; i < args.Length; i++)
            switch (args[i])
            {
                case "--sizes": sizes = args[++i].Split(',').Select(s => s.Split('x')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture))).ToList(); break;
                case "--times": times = args[++i].Split(',').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList(); break;
                case "--nf": nf = args[++i]; break;
                case "--out": outDir = args[++i]; break;
                case "--no-render": render = false; break;
                default: kodak = args[i]; break;
            }
        if (kodak is null || !Directory.Exists(kodak))
        {
            Console.Error.WriteLine("usage: nf-bench photos KODAK_FOLDER [--sizes 4000x3000,2304x1536,768x512] [--times 60,300,900] [--nf PATH/nf.dll] [--out DIR] [--no-render]");
            return 2;
        }
        nf = PeakMemory.FindNf(nf);
        if (nf is null) return 2;
        Directory.CreateDirectory(outDir);
        var results = new JsonArray();
        string? lastCheckpoint = null;
        foreach (var (w, h) in sizes)
        {
            string photo = Path.Combine(outDir, $"mosaic-{w}x{h}.png");
            ImageFile.SavePng(photo, Mosaic(kodak, w, h));
            foreach (double seconds in times)
            {
                string run = Path.Combine(outDir, $"fit-{w}x{h}-{seconds}s");
                var (exit, peak, wall) = PeakMemory.Measure(nf, ["fit", photo, "--time", seconds.ToString(CultureInfo.InvariantCulture), "--out", run]);
                var row = new JsonObject { ["size"] = $"{w}x{h}", ["megapixels"] = Math.Round(w * (double)h / 1e6, 2), ["time_budget"] = seconds, ["exit"] = exit, ["peak_rss_mb"] = peak >> 20, ["wall_seconds"] = Math.Round(wall, 1) };
                if (exit == 0)
                {
                    using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
                    var m = metrics.RootElement;
                    row["psnr"] = JsonNode.Parse(m.GetProperty("psnr").GetRawText());   // a number, or "inf" for an exact fit
                    row["steps"] = m.GetProperty("steps").GetInt32();
                    row["training_seconds"] = m.GetProperty("seconds").GetDouble();
                    row["model"] = m.GetProperty("model").GetProperty("description").GetString();
                    lastCheckpoint = Path.Combine(run, "model.ckpt");
                }
                results.Add(row);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{w}x{h} ({w * (double)h / 1e6:F1} MP), --time {seconds}: PSNR {(row["psnr"]?.ToString() ?? "failed")} dB, {row["steps"]} steps, peak RSS {peak >> 20} MB"));
                AtomicFile.WriteAllText(Path.Combine(outDir, "photos.json"), results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }
        }
        if (render && lastCheckpoint is not null)
        {
            var (exit, peak, wall) = PeakMemory.Measure(nf, ["render", lastCheckpoint, "--width", "10000", "--height", "7500", "-o", Path.Combine(outDir, "render-10000x7500.png")]);
            results.Add(new JsonObject { ["render"] = "10000x7500", ["exit"] = exit, ["peak_rss_mb"] = peak >> 20, ["wall_seconds"] = Math.Round(wall, 1) });
            Console.WriteLine($"nf render 10000x7500: exit {exit}, peak RSS {peak >> 20} MB, {wall:F1} s");
            AtomicFile.WriteAllText(Path.Combine(outDir, "photos.json"), results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    /// <summary>Landscape Kodak images side by side, row by row, cropped to width x height (one image when it is that size).</summary>
    private static ImageSignal Mosaic(string folder, int width, int height)
    {
        var tiles = Directory.EnumerateFiles(folder, "*.png").Order(StringComparer.Ordinal).Select(f => ImageFile.Load(f))
            .Where(t => t.Width >= t.Height && t.Channels == 3 && t.BitDepth == 8).ToList();
        var single = tiles.FirstOrDefault(t => t.Width == width && t.Height == height && tiles.IndexOf(t) == Math.Min(tiles.Count - 1, 16));
        if (single is not null) return single;   // 768x512: kodim23, the 17th landscape image
        var samples = new ushort[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var tile = tiles[(y / tiles[0].Height * ((width + tiles[0].Width - 1) / tiles[0].Width) + x / tiles[0].Width) % tiles.Count];
                int tx = x % tile.Width, ty = y % tile.Height;
                for (int c = 0; c < 3; c++) samples[(y * width + x) * 3 + c] = tile.Samples[(ty * tile.Width + tx) * 3 + c];
            }
        return new ImageSignal(width, height, 3, 8, samples);
    }
}
