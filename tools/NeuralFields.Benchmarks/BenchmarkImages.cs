using NeuralFields.Signals.Image;

namespace NeuralFields.Benchmarks;

/// <summary>Images for the benchmarks: each input file, or every image in an input folder, centre-cropped.</summary>
internal static class BenchmarkImages
{
    public static IEnumerable<string> Files(IReadOnlyList<string> inputs) =>
        inputs.SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
            : [p]);

    /// <summary>The centred size×size window, or the whole image when it is smaller.</summary>
    public static ImageSignal Crop(ImageSignal image, int size) =>
        size <= 0 ? image : ImageCrop.Centre(image, Math.Min(size, image.Width), Math.Min(size, image.Height));
}
