using System.CommandLine;
using System.Globalization;
using NeuralFields.Fitting.Restoration;
using NeuralFields.Cli.Output;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf superres IMAGE --scale S -o OUT.png`: fit the image, then render the field on an S times larger grid.</summary>
internal static class SuperResCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "Image to enlarge (PNG 8/16-bit, JPEG, BMP, TIFF, TGA, WebP)" };
        var scale = new Option<string>("--scale") { Description = "Whole-number enlargement factor, at least 2", Required = true };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Output PNG (same bit depth and channels as the image)", Required = true };
        var preset = CommonOptions.Preset();
        var config = CommonOptions.Config();
        var steps = CommonOptions.Steps();
        var seed = CommonOptions.Seed();
        var alpha = CommonOptions.Alpha();
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("superres", "Super-resolution: fit a coordinate network to an image and render it S times larger (the field at the larger grid's pixel centres)")
        {
            image, scale, output, preset, config, steps, seed, alpha, maxPixels,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            var imageFile = parse.GetValue(image)!;
            int factor = ParseScale(parse.GetValue(scale)!);
            CommonOptions.RequirePositive(parse.GetValue(steps), "--steps");
            var target = parse.GetValue(output)!;
            OutputPath.RefuseReplacing(target.FullName, imageFile.FullName);
            var source = ImageFile.Load(imageFile.FullName, parse.GetValue(alpha), parse.GetValue(maxPixels));
            var (fieldConfig, name) = CommonOptions.ResolveConfig(parse.GetValue(preset), parse.GetValue(config), source.Info, Core.Training.MemoryBudget.Default());
            long width = (long)source.Width * factor, height = (long)source.Height * factor;
            if (width * height > parse.GetValue(maxPixels))
                throw new NeuralFieldsException($"{width}x{height} is over the limit of {parse.GetValue(maxPixels):N0} pixels (raise it with --max-pixels)");

            var fit = ConsoleProgress.Show(imageFile.Name, parse.GetValue(steps) ?? fieldConfig.Training.Steps,
                observer => FieldRestoration.FitAndRender(source, null, fieldConfig, parse.GetValue(steps), parse.GetValue(seed), (int)width, (int)height, observer, cancel));
            ImageFile.SavePng(target.FullName, fit.Rendered);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{imageFile.Name}: fitted {source.Width}x{source.Height} with {name}, {fit.Steps} steps in {fit.Seconds:F1} s (fit PSNR {fit.FitPsnr:F2} dB); " +
                $"rendered {width}x{height} (x{factor}) -> {target.FullName}"));
            return 0;
        })));
        return command;
    }

    /// <summary>A whole-number factor of at least 2, as a one-line error otherwise (parsed here, not by System.CommandLine, for that error).</summary>
    public static int ParseScale(string text, string option = "--scale")
    {
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int factor) || factor < 2 || factor > 64)
            throw new NeuralFieldsException($"{option} must be a whole number from 2 to 64, got '{text}'");
        return factor;
    }
}
