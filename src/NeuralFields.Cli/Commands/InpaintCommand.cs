using System.CommandLine;
using System.Globalization;
using NeuralFields.Fitting.Restoration;
using NeuralFields.Cli.Output;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf inpaint IMAGE --mask MASK.png -o OUT.png`: fit the pixels the mask keeps, render every pixel.</summary>
internal static class InpaintCommand
{
    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "Image with pixels to fill (PNG 8/16-bit, JPEG, BMP, TIFF, TGA, WebP)" };
        var mask = new Option<FileInfo>("--mask", "-m")
        {
            Description = "Mask image of the same size: white = known (fitted), black = missing (filled); a pixel is known when its gray level is at least half of full scale",
            Required = true,
        };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Output PNG (same bit depth and channels as the image)", Required = true };
        var preset = CommonOptions.Preset();
        var config = CommonOptions.Config();
        var steps = CommonOptions.Steps();
        var seed = CommonOptions.Seed();
        var alpha = CommonOptions.Alpha();
        var maxPixels = CommonOptions.MaxPixels();
        var command = new Command("inpaint", "Inpainting: fit a coordinate network to the pixels a mask keeps and render all of them (the field fills the rest)")
        {
            image, mask, output, preset, config, steps, seed, alpha, maxPixels,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            var imageFile = parse.GetValue(image)!;
            var maskFile = parse.GetValue(mask)!;
            CommonOptions.RequirePositive(parse.GetValue(steps), "--steps");
            var target = parse.GetValue(output)!;
            OutputPath.RefuseReplacing(target.FullName, imageFile.FullName, maskFile.FullName);
            var source = ImageFile.Load(imageFile.FullName, parse.GetValue(alpha), parse.GetValue(maxPixels));
            var (fieldConfig, name) = CommonOptions.ResolveConfig(parse.GetValue(preset), parse.GetValue(config), source.Info, Core.Training.MemoryBudget.Default());
            if (!maskFile.Exists) throw new NeuralFieldsException($"mask not found: {maskFile.FullName}");
            var known = PixelMask.FromImage(ImageFile.Load(maskFile.FullName, AlphaMode.Drop, parse.GetValue(maxPixels)));
            if (known.Width != source.Width || known.Height != source.Height)
                throw new NeuralFieldsException($"the mask {maskFile.Name} is {known.Width}x{known.Height} but {imageFile.Name} is {source.Width}x{source.Height}");
            if (known.KnownCount == 0)
                throw new NeuralFieldsException($"the mask {maskFile.Name} keeps no pixel (white = known, black = missing)");

            var fit = ConsoleProgress.Show(imageFile.Name, parse.GetValue(steps) ?? fieldConfig.Training.Steps,
                observer => FieldRestoration.FitAndRender(source, known, fieldConfig, parse.GetValue(steps), parse.GetValue(seed), source.Width, source.Height, observer, cancel));
            ImageFile.SavePng(target.FullName, fit.Rendered);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{imageFile.Name}: fitted {known.KnownCount:N0} known pixels of {source.Width}x{source.Height} ({100 * known.KnownFraction:F1}%) with {name}, " +
                $"{fit.Steps} steps in {fit.Seconds:F1} s (PSNR on the known pixels {fit.FitPsnr:F2} dB); filled {known.Known.Length - known.KnownCount:N0} -> {target.FullName}"));
            return 0;
        })));
        return command;
    }
}
