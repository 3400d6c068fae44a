using System.CommandLine;
using System.Globalization;
using NeuralFields.Cli.Jobs;
using NeuralFields.Cli.Output;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf fit IMAGE`: fit one image and write reconstruction, metrics, curve and checkpoint.</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("input")
        {
            Description = "Signal to fit: an image (PNG 8/16-bit, JPEG, BMP, TIFF, TGA, WebP), a WAV clip, a mesh (PLY/OBJ) or a raw volume (.raw + .json)",
        };
        var field = new Option<FieldKind>("--field") { Description = "Meshes: the field to fit, sdf or occupancy", DefaultValueFactory = _ => FieldKind.Sdf };
        var samples = new Option<int>("--samples") { Description = "Meshes: training points (half near the surface, half uniform)", DefaultValueFactory = _ => 200_000 };
        var resolution = new Option<int>("--resolution") { Description = "Meshes: grid for the extracted surface.ply (IoU on min(R, 64)^3; preview 4R pixels)", DefaultValueFactory = _ => 128 };
        var preset = CommonOptions.Preset();
        var config = CommonOptions.Config();
        var steps = CommonOptions.Steps();
        var target = new Option<double?>("--target-psnr") { Description = "Stop as soon as the full-image PSNR reaches this many dB [default: none]" };
        var seed = CommonOptions.Seed();
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "Output folder [default: runs/<image name>]" };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue training from this model.ckpt up to --steps in all [default: none]" };
        var alpha = CommonOptions.Alpha();
        var maxPixels = CommonOptions.MaxPixels();
        var accelerator = AcceleratorOption.Create("rendering the final reconstruction of an image (training always runs on TorchSharp)");
        var lossless = new Option<bool>("--lossless")
        {
            Description = $"Train until every sample decodes exactly (bit-plane head; preset {LosslessPreset} for images, audio-lossless for WAV, unless --preset/--config) or --steps run out",
        };

        var command = new Command("fit", "Fit a coordinate network to an image, a WAV clip, a mesh (SDF/occupancy) or a raw volume; writes the reconstruction, metrics.json, curve.png and model.ckpt")
        {
            image, preset, config, steps, target, seed, output, resume, alpha, maxPixels, lossless, field, samples, resolution, accelerator,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            var imageFile = parse.GetValue(image)!;
            CommonOptions.RequirePositive(parse.GetValue(steps), "--steps");
            CommonOptions.RequireRange(parse.GetValue(target), "--target-psnr", 0, 1000);
            if (FitSignal.Handles(imageFile.FullName))
            {
                if (parse.GetValue(resume) is not null) throw new NeuralFieldsException("--resume applies to images");
                var (signalConfig, signalName) = CommonOptions.ResolveConfig(
                    parse.GetValue(config) is null ? parse.GetValue(preset) ?? FitSignal.DefaultPreset(imageFile.FullName, parse.GetValue(field), parse.GetValue(lossless)) : parse.GetValue(preset),
                    parse.GetValue(config));
                if (parse.GetValue(samples) < 1000) throw new NeuralFieldsException("--samples must be at least 1000");
                if (parse.GetValue(resolution) is < 8 or > 512) throw new NeuralFieldsException("--resolution must be between 8 and 512");
                FitSignal.Run(imageFile.FullName, signalConfig, signalName, parse.GetValue(steps), parse.GetValue(target), parse.GetValue(seed),
                    parse.GetValue(output)?.FullName ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(imageFile.Name)),
                    parse.GetValue(field), parse.GetValue(samples), parse.GetValue(resolution), cancel, parse.GetValue(lossless));
                return 0;
            }
            var resumePath = parse.GetValue(resume);
            if (resumePath is { Exists: false }) throw new NeuralFieldsException($"checkpoint not found: {resumePath.FullName}");
            bool untilLossless = parse.GetValue(lossless);
            var presetName = parse.GetValue(preset) ?? (untilLossless && parse.GetValue(config) is null ? LosslessPreset : null);
            var (fieldConfig, name) = CommonOptions.ResolveConfig(presetName, parse.GetValue(config));
            if (untilLossless && resumePath is null && fieldConfig.Head is not (BitPlaneHeadConfig or BitPlaneCoordinateHeadConfig))
                throw new NeuralFieldsException($"--lossless needs a bit-plane head (bitplane or bitplane_coordinate); {name} has '{ComponentRegistry.Describe(fieldConfig.Head).Name}'");
            var outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(imageFile.Name));
            var request = new ImageFitRequest(imageFile.FullName, fieldConfig, name, parse.GetValue(steps), parse.GetValue(target),
                parse.GetValue(seed), outDir, parse.GetValue(alpha), parse.GetValue(maxPixels), resumePath?.FullName)
                { Lossless = untilLossless, Accelerator = AcceleratorOption.Parse(parse.GetValue(accelerator)) };
            if (resumePath is null) AcceleratorOption.Check(fieldConfig, request.Accelerator);

            var result = ImageFit.Run(request, (total, work) => ConsoleProgress.Show(imageFile.Name, total, work), cancel);
            string psnr = double.IsPositiveInfinity(result.Psnr) ? "inf" : result.Psnr.ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{imageFile.Name}: PSNR {psnr} dB, SSIM {result.Ssim:F4}, {result.Steps} steps in {result.Seconds:F1} s " +
                $"({result.SamplesPerSecond:N0} samples/s, {result.Parameters:N0} parameters) -> {outDir}"));
            if (untilLossless || result.BitErrors.Count > 0)
                Console.WriteLine(LosslessLine(result));
            return 0;
        })));
        return command;
    }

    public const string LosslessPreset = "lossless";

    /// <summary>The verdict of an exact fit (image or audio), with when it was first reached when known.</summary>
    internal static string ExactLine(int? stepsToLossless, double? secondsToLossless) => stepsToLossless is int steps
        ? string.Create(CultureInfo.InvariantCulture, $"lossless: every sample decodes exactly, reached after {steps} steps in {secondsToLossless:F1} s")
        : "lossless: every sample decodes exactly";

    /// <summary>The verdict of decoding every sample, with the bit error rate per plane (MSB first) when not exact.</summary>
    private static string LosslessLine(ImageFitResult result)
    {
        if (result.Lossless)
            return ExactLine(result.StepsToLossless, result.SecondsToLossless);
        var planes = string.Join(" ", result.BitErrorRate.Reverse().Select(r => r.ToString("0.####", CultureInfo.InvariantCulture)));
        return string.Create(CultureInfo.InvariantCulture,
            $"not lossless after {result.Steps} steps: {result.WrongSamples:N0} of {(long)result.Width * result.Height * result.Channels:N0} samples differ; bit error rate MSB..LSB: {planes}");
    }
}
