using System.CommandLine;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf render CKPT`: evaluate a fitted image field on a grid of any size.</summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<FileInfo>("checkpoint") { Description = "A model.ckpt written by `nf fit`" };
        var width = new Option<int?>("--width", "-W") { Description = "Output width in pixels [default: the fitted width]" };
        var height = new Option<int?>("--height", "-H") { Description = "Output height in pixels [default: the fitted height]" };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Output PNG", Required = true };
        var level = new Option<int?>("--level") { Description = "Level of detail of a progressive network, 1 = coarsest [default: the finest]" };
        var azimuth = new Option<double>("--azimuth") { Description = "3D fields: camera angle around the vertical axis, degrees", DefaultValueFactory = _ => 30 };
        var accelerator = AcceleratorOption.Create("rendering an image field");
        var elevation = new Option<double>("--elevation") { Description = "3D fields: camera angle above the horizon, degrees", DefaultValueFactory = _ => 20 };
        var command = new Command("render", "Render a fitted image field at any resolution (same bit depth and channels as the source), or a shaded preview of a 3D field")
        {
            checkpoint, width, height, output, level, azimuth, elevation, accelerator,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var file = parse.GetValue(checkpoint)!;
            if (!file.Exists) throw new NeuralFieldsException($"checkpoint not found: {file.FullName}");
            CommonOptions.RequirePositive(parse.GetValue(width), "--width");
            CommonOptions.RequirePositive(parse.GetValue(height), "--height");
            CommonOptions.RequireRange(parse.GetValue(azimuth), "--azimuth", -360, 360);
            CommonOptions.RequireRange(parse.GetValue(elevation), "--elevation", -89, 89);   // at ±90° the camera's up vector is undefined
            Torch.EnsureLoaded();
            var contents = Checkpoint.Load(file.FullName);
            var signal = contents.Model.Signal;
            if (Fields.FieldGrid.IsShapeField(signal))
            {
                // SDF / occupancy: a shaded preview by sphere tracing or ray marching.
                int pw = parse.GetValue(width) ?? 512, ph = parse.GetValue(height) ?? 512;
                if ((long)pw * ph > 16_000_000) throw new NeuralFieldsException($"{pw}x{ph} is too large for a 3D preview (16 megapixels at most)");
                var preview = Fields.ShapePreview.Render(contents.Model, pw, ph, parse.GetValue(azimuth), parse.GetValue(elevation));
                ImageFile.SavePng(parse.GetValue(output)!.FullName, preview);
                Console.WriteLine($"rendered a {pw}x{ph} {signal.Modality} preview -> {parse.GetValue(output)!.FullName}");
                return 0;
            }
            if (signal.Modality != "image")
                throw new NeuralFieldsException($"{file.Name} holds a {signal.Modality} field; render writes images");
            int? k = parse.GetValue(level);
            if (k is int requested && (requested < 1 || requested > contents.Model.Levels))
                throw new NeuralFieldsException(contents.Model.Levels == 1
                    ? $"{file.Name} has one level of detail; --level must be 1, got {requested}"
                    : $"--level must be between 1 and {contents.Model.Levels}, got {requested}");
            int w = parse.GetValue(width) ?? signal.Dimensions[1];
            int h = parse.GetValue(height) ?? signal.Dimensions[0];
            if ((long)w * h > ImageFile.DefaultMaxPixels)
                throw new NeuralFieldsException($"{w}x{h} is over the limit of {ImageFile.DefaultMaxPixels:N0} pixels");
            var values = AcceleratorOption.RenderImage(contents.Model, h, w, k, AcceleratorOption.Parse(parse.GetValue(accelerator)), out var backend);
            var image = ImageSignal.FromValues(values, w, h, signal.Channels, signal.BitDepth);
            var target = parse.GetValue(output)!;
            ImageFile.SavePng(target.FullName, image);
            Console.WriteLine((k is null ? $"rendered {w}x{h} -> {target.FullName}" : $"rendered {w}x{h} at level {k} of {contents.Model.Levels} -> {target.FullName}") + $" ({backend})");
            return 0;
        }));
        return command;
    }
}
