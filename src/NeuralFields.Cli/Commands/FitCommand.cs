using System.CommandLine;
using System.Globalization;
using NeuralFields.Cli.Jobs;
using NeuralFields.Cli.Output;
using NeuralFields.Schema;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf fit IMAGE`: fit one image and write reconstruction, metrics, curve and checkpoint.</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "Image to fit (PNG 8/16-bit, JPEG, BMP, TIFF, TGA, WebP)" };
        var preset = CommonOptions.Preset();
        var config = CommonOptions.Config();
        var steps = CommonOptions.Steps();
        var target = new Option<double?>("--target-psnr") { Description = "Stop as soon as the full-image PSNR reaches this many dB [default: none]" };
        var seed = CommonOptions.Seed();
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "Output folder [default: runs/<image name>]" };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue training from this model.ckpt up to --steps in all [default: none]" };
        var alpha = CommonOptions.Alpha();
        var maxPixels = CommonOptions.MaxPixels();

        var command = new Command("fit", "Fit a coordinate network to an image; writes reconstruction.png, metrics.json, curve.png and model.ckpt")
        {
            image, preset, config, steps, target, seed, output, resume, alpha, maxPixels,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            var imageFile = parse.GetValue(image)!;
            CommonOptions.RequirePositive(parse.GetValue(steps), "--steps");
            var resumePath = parse.GetValue(resume);
            if (resumePath is { Exists: false }) throw new NeuralFieldsException($"checkpoint not found: {resumePath.FullName}");
            var (fieldConfig, name) = CommonOptions.ResolveConfig(parse.GetValue(preset), parse.GetValue(config));
            var outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(imageFile.Name));
            var request = new ImageFitRequest(imageFile.FullName, fieldConfig, name, parse.GetValue(steps), parse.GetValue(target),
                parse.GetValue(seed), outDir, parse.GetValue(alpha), parse.GetValue(maxPixels), resumePath?.FullName);

            var result = ImageFit.Run(request, (total, work) => ConsoleProgress.Show(imageFile.Name, total, work), cancel);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{imageFile.Name}: PSNR {result.Psnr:F2} dB, SSIM {result.Ssim:F4}, {result.Steps} steps in {result.Seconds:F1} s " +
                $"({result.SamplesPerSecond:N0} samples/s, {result.Parameters:N0} parameters) -> {outDir}"));
            return 0;
        })));
        return command;
    }
}
