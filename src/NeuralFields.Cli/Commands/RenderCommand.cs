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
        var command = new Command("render", "Render a fitted image field at any resolution (same bit depth and channels as the source)")
        {
            checkpoint, width, height, output,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var file = parse.GetValue(checkpoint)!;
            if (!file.Exists) throw new NeuralFieldsException($"checkpoint not found: {file.FullName}");
            CommonOptions.RequirePositive(parse.GetValue(width), "--width");
            CommonOptions.RequirePositive(parse.GetValue(height), "--height");
            Torch.EnsureLoaded();
            var contents = Checkpoint.Load(file.FullName);
            var signal = contents.Model.Signal;
            if (signal.Modality != "image")
                throw new NeuralFieldsException($"{file.Name} holds a {signal.Modality} field; render writes images");
            int w = parse.GetValue(width) ?? signal.Dimensions[1];
            int h = parse.GetValue(height) ?? signal.Dimensions[0];
            if ((long)w * h > ImageFile.DefaultMaxPixels)
                throw new NeuralFieldsException($"{w}x{h} is over the limit of {ImageFile.DefaultMaxPixels:N0} pixels");
            using var scope = NewDisposeScope();
            var coordinates = tensor(SampleGrid.Coordinates([h, w])).reshape(-1, 2);
            var values = contents.Model.Predict(coordinates).contiguous().data<float>().ToArray();
            var image = ImageSignal.FromValues(values, w, h, signal.Channels, signal.BitDepth);
            var target = parse.GetValue(output)!;
            ImageFile.SavePng(target.FullName, image);
            Console.WriteLine($"rendered {w}x{h} -> {target.FullName}");
            return 0;
        }));
        return command;
    }
}
