using NeuralFields.Codec.Decoder;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Planning;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Modalities;

/// <summary>Images: read through <see cref="ImageFile"/> (8/16-bit, 1–4 channels), written as PNG at the source's bit depth and channels.</summary>
public sealed class ImageModality : IModality
{
    public string Name => "image";

    public IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".tga", ".webp", ".gif", ".pbm"];

    public string OutputExtension => ".png";

    public string DefaultPreset => "coin";

    /// <summary>A hash grid sized for the image (<see cref="AutoConfig"/>); exact fits take the hash-grid bit-plane preset.</summary>
    public (FieldConfig Config, string Name) FitConfig(FitSource source, bool lossless, long memoryBudget) =>
        lossless ? (Presets.Load("lossless-hashgrid"), "lossless-hashgrid") : (AutoConfig.For(source.Info, memoryBudget), AutoConfig.Name);

    public FitSource Open(string path, LoadOptions options) =>
        new Sources.ImageSource(ImageFile.Load(path, options.Alpha, options.MaxPoints, options.MemoryBudget), Path.GetFullPath(path));

    public LoadedSignal Load(string path, LoadOptions options)
    {
        var image = ImageFile.Load(path, options.Alpha, options.MaxPoints, options.MemoryBudget);
        return new LoadedSignal(image.Info, image.Samples);
    }

    public void Write(string path, DecodedSignal signal)
    {
        var info = signal.Info;
        if (info.Dimensions.Length != 2 || info.Channels is < 1 or > 4 || info.BitDepth is not (8 or 16))
            throw new NeuralFieldsException(
                $"this image has {info.Dimensions.Length} axes, {info.Channels} channels and {info.BitDepth}-bit samples; PNG output takes 2 axes, 1-4 channels, 8 or 16 bits");
        ImageFile.SavePng(path, new ImageSignal(info.Dimensions[1], info.Dimensions[0], info.Channels, info.BitDepth, signal.Samples));
    }
}
