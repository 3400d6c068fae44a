using System.CommandLine;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

using NeuralFields.Fitting.Rendering;

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
            var target = parse.GetValue(output)!;
            OutputPath.RefuseReplacing(target.FullName, file.FullName);
            Torch.EnsureLoaded();
            var contents = Checkpoint.Load(file.FullName);
            if (FieldImages.IsShape(contents.Model))
            {
                var preview = FieldImages.Preview(contents.Model, parse.GetValue(width), parse.GetValue(height), parse.GetValue(azimuth), parse.GetValue(elevation));
                ImageFile.SavePng(target.FullName, preview);
                Console.WriteLine($"rendered a {preview.Width}x{preview.Height} {contents.Model.Signal.Modality} preview -> {target.FullName}");
                return 0;
            }
            int? k = parse.GetValue(level);
            var rendered = FieldImages.Render(contents.Model, parse.GetValue(width), parse.GetValue(height), k, AcceleratorOption.Parse(parse.GetValue(accelerator)));
            if (rendered.Note is not null) Console.Error.WriteLine($"note: {rendered.Note}");
            ImageFile.SavePng(target.FullName, rendered.Image);
            var (w, h) = (rendered.Image.Width, rendered.Image.Height);
            Console.WriteLine((k is null ? $"rendered {w}x{h} -> {target.FullName}" : $"rendered {w}x{h} at level {k} of {contents.Model.Levels} -> {target.FullName}") + $" ({rendered.Backend})");
            return 0;
        }));
        return command;
    }
}
