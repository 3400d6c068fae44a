using System.CommandLine;
using System.Globalization;
using NeuralFields.Fitting.Shapes;
using NeuralFields.Cli.Output;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Codec.Latent;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Cli.Commands;

/// <summary>
/// `nf compress INPUT`: fit a field to a signal and write it as a neural file (.nf), lossy at a chosen
/// bit width or exactly lossless; INPUT may be a folder, compressed file by file, resumably and by shard.
/// </summary>
internal static class CompressCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A signal file (image: PNG, JPEG, BMP, TIFF, ...; audio: WAV; volume: .raw with its .json sidecar; mesh: PLY, OBJ) or a folder of them" };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Output .nf file for a file input [default: INPUT with its extension replaced by .nf]; output folder for a folder input (required)",
        };
        var bits = new Option<int>("--bits", "-b") { Description = "Bit width of the quantised weights (8, 6 or 4 studied; 2-16 accepted); biases and the first and last layers keep at least 12", DefaultValueFactory = _ => 8 };
        var granularity = new Option<string>("--granularity")
        {
            Description = "Quantisation steps: 'channel' (one per output channel of each layer) or 'tensor' (one per tensor)",
            DefaultValueFactory = _ => "tensor",
        };
        var steps = CommonOptions.Steps();
        var preset = new Option<string?>("--preset", "-p")
        {
            Description = $"Built-in model and training preset (see `nf presets`) [default: {string.Join(", ", ModalityRegistry.All.Select(m => $"{m.DefaultPreset} for {m.Name}"))}]",
        };
        var config = CommonOptions.Config();
        var lossless = new Option<bool>("--lossless") { Description = "Add the entropy-coded residual so the file decodes to the source exactly (verified on every sample)" };
        var seed = CommonOptions.Seed();
        var qatSteps = new Option<int?>("--qat-steps") { Description = "Quantisation-aware fine-tuning steps after training [default: 0 at 8 bits and above, steps/5 below]" };
        var grid = new Option<int>("--grid") { Description = "Mesh inputs (.ply, .obj): points per axis of the signed-distance grid the network fits", DefaultValueFactory = _ => 64 };
        var shard = new Option<string?>("--shard") { Description = "Folder input: process only files i with i mod N = K of the sorted list (K/N, 0 <= K < N) [default: 0/1]" };
        var alpha = CommonOptions.Alpha();
        var maxPixels = CommonOptions.MaxPixels();
        var lambda = new Option<double?>("--lambda") { Description = "Latent-grid codec: the rate-distortion trade-off (loss = MSE + lambda * bpp); larger gives smaller files [default: from --quality]" };
        var quality = new Option<int?>("--quality", "-q") { Description = $"Latent-grid codec: 1 (smallest) to 100 (best), lambda = 10^(-1.5 - 3 (q - 1)/99) [default: {LatentRateChoice.DefaultQuality}]" };
        var bpp = new Option<double?>("--bpp") { Description = "Latent-grid codec: aim for this many bits per pixel (within 10%; trains several times to find lambda)" };
        var memory = CommonOptions.Memory();
        var time = new Option<double?>("--time") { Description = "Latent-grid codec: seconds of training per fit (the schedule follows the time when it ends before --steps)" };
        var command = new Command("compress", "Compress a signal (or a folder of them) into a neural file: a fitted, quantised, entropy-coded network")
        {
            input, output, bits, granularity, steps, preset, config, lossless, seed, qatSteps, shard, grid, alpha, maxPixels, memory, lambda, quality, bpp, time,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            var source = parse.GetValue(input)!;
            LoadOptions Load() => new(parse.GetValue(alpha), parse.GetValue(maxPixels), parse.GetValue(grid)) { MemoryBudget = CommonOptions.MemoryBudget(parse.GetValue(memory)) };
            // Without --preset or --config each file gets its modality's default model (images and audio differ).
            bool modelChosen = parse.GetValue(preset) is not null || parse.GetValue(config) is not null;
            var (fieldConfig, _) = CommonOptions.ResolveConfig(parse.GetValue(preset) ?? (modelChosen ? null : ModalityRegistry.All[0].DefaultPreset), parse.GetValue(config));
            var rate = new LatentRateChoice(parse.GetValue(lambda), parse.GetValue(quality), parse.GetValue(bpp), parse.GetValue(time));
            bool latentConfig = fieldConfig.Encoding is Schema.Components.LatentGridConfig && !Directory.Exists(source);
            // Lossy images, clips and volumes default to the latent-grid codec; lossless images and clips get the
            // predictive file, lossless volumes the coordinate network and its residual.
            bool lossyDefault = !latentConfig && !modelChosen && !parse.GetValue(lossless) && !Directory.Exists(source)
                && ModalityRegistry.ForSource(source).Name is "image" or "audio" or "volume";
            if (latentConfig || lossyDefault)
            {
                // A lossy signal without a chosen model gets the latent preset its size calls for (null).
                LatentCommand.CompressOne(source, parse.GetValue(output) ?? Path.ChangeExtension(source, NeuralFileFormat.Extension), latentConfig ? fieldConfig : null, rate,
                    parse.GetValue(steps), parse.GetValue(seed), Load(), cancel);
                return 0;
            }
            rate.RequireNone();
            var options = new CompressionOptions(fieldConfig)
            {
                Steps = parse.GetValue(steps),
                Bits = parse.GetValue(bits),
                Granularity = parse.GetValue(granularity) switch
                {
                    "channel" => QuantizationGranularity.Row,
                    "tensor" => QuantizationGranularity.Tensor,
                    var other => throw new NeuralFieldsException($"--granularity must be 'channel' or 'tensor', got '{other}'"),
                },
                QatSteps = parse.GetValue(qatSteps),
                Lossless = parse.GetValue(lossless),
                Seed = parse.GetValue(seed),
            };
            options.Validate();                                   // unsupported components are refused before any work
            var load = Load();
            var shardText = parse.GetValue(shard);
            if (Directory.Exists(source))
            {
                var outFolder = parse.GetValue(output) ?? throw new NeuralFieldsException("a folder input needs --out FOLDER for the neural files");
                return CompressFolder(source, outFolder, shardText is null ? Shard.All : Shard.Parse(shardText), options, modelChosen, load, cancel);
            }
            if (shardText is not null) throw new NeuralFieldsException("--shard applies to a folder input");
            var target = parse.GetValue(output) ?? Path.ChangeExtension(source, NeuralFileFormat.Extension);
            CompressOne(source, target, options, modelChosen, load, cancel);
            return 0;
        })));
        return command;
    }

    /// <summary>Without <paramref name="modelChosen"/> the file gets its modality's default preset instead of <paramref name="options"/>' config.</summary>
    private static void CompressOne(string source, string target, CompressionOptions options, bool modelChosen, LoadOptions load, CancellationToken cancel)
    {
        if (FileCompression.UsesPredictive(source, options, modelChosen))
        {
            // Images and audio default to the predictive lossless file; `--preset coin --lossless` keeps the model + residual.
            var predictive = new Codec.Predictive.PredictiveOptions { Seed = options.Seed };
            if (options.Steps is int steps) predictive = predictive with { Steps = steps };
            Console.WriteLine(PredictiveSummary(source, target, FileCompression.CompressPredictive(source, target, predictive, load, cancel)));
            return;
        }
        var result = ConsoleProgress.Show(Path.GetFileName(source), options.TrainingSteps + (options.QatSteps ?? options.DefaultQatSteps),
            observer => FileCompression.Compress(source, target, options, modelChosen, load, observer, cancel));
        Console.WriteLine(Summary(source, target, result.Compression));
        if (result.Surface is { } surface)
            Console.WriteLine(ShapeSummary(source, surface));
    }

    private static int CompressFolder(string folder, string outFolder, Shard shard, CompressionOptions options, bool modelChosen, LoadOptions load, CancellationToken cancel)
    {
        var items = DatasetPlan.For(folder, outFolder, shard);
        int done = 0, skipped = 0, failed = 0;
        for (int i = 0; i < items.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var item = items[i];
            if (item.Done)
            {
                skipped++;
                Console.WriteLine($"[{i + 1}/{items.Count}] {item.RelativePath}: already done, skipped");
                continue;
            }
            try
            {
                CompressOne(item.Source, item.Output, options, modelChosen, load, cancel);
                done++;
            }
            catch (NeuralFieldsException e)
            {
                failed++;
                Console.Error.WriteLine($"error: {item.RelativePath}: {e.Message}");
            }
        }
        Console.WriteLine($"shard {shard}: {items.Count} file(s), {done} compressed, {skipped} already done, {failed} failed -> {Path.GetFullPath(outFolder)}");
        return failed > 0 ? CommandRunner.BadInput : 0;
    }

    /// <summary>For meshes the grid PSNR says little: how far the decoded surface lies from the source's.</summary>
    private static string ShapeSummary(string source, TriangleMesh surface)
    {
        var mesh = MeshFile.Load(source);
        double chamfer = ShapeMetrics.Chamfer(mesh, surface, 20_000, 0);
        var (min, max) = mesh.Bounds();
        return string.Create(CultureInfo.InvariantCulture,
            $"shape: decoded surface {surface.TriangleCount:N0} triangles, Chamfer {chamfer:E2} mesh units ({100 * chamfer / (max - min).Length():F3}% of the bounding-box diagonal) against the source");
    }

    private static string PredictiveSummary(string source, string target, Codec.Predictive.PredictiveResult r)
    {
        var h = r.Header;
        string unit = GridPointNames.RateUnit(h.Signal.Modality);                // images or clips
        return string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(source)} -> {target}: {h.FileBytes:N0} bytes, {h.BitsPerGridPoint:F4} {unit} ({h.BitsPerSample:F4} bits/sample), lossless, " +
            $"{InfoCommand.ModeText(h)} (networks {h.WeightBytes:N0} B + samples {h.SampleBytes:N0} B), verified on all {h.Signal.SampleCount * h.Signal.Channels:N0} samples; " +
            $"{string.Join(", ", r.Candidates.Select(c => $"{c.Mode} {c.Bytes:N0} B"))}; {r.Seconds:F1} s");
    }

    private static string Summary(string source, string target, CompressionResult r)
    {
        var h = r.Header;
        string unit = GridPointNames.RateUnit(h.Signal.Modality);
        string quality = r.Header.Lossless
            ? $"lossless (model {h.WeightBytes:N0} B + residual {h.ResidualBytes:N0} B), verified on all {h.GridPoints * h.Signal.Channels:N0} samples"
            : $"PSNR {r.Psnr:F2} dB as decoded ({r.PsnrFloat:F2} dB before quantisation)";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(source)} -> {target}: {h.FileBytes:N0} bytes, {h.BitsPerGridPoint:F4} {unit}, {quality}; " +
            $"{r.Steps} steps + {r.QatSteps} QAT in {r.Seconds:F1} s, {h.Parameters:N0} parameters");
    }
}
