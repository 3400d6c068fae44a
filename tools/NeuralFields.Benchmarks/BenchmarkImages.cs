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

    /// <summary>PSNR in dB of two integer images of the same shape and depth (peak 2^n − 1).</summary>
    public static double Psnr(ImageSignal a, ImageSignal b)
    {
        double sum = 0, max = (1 << a.BitDepth) - 1;
        for (long i = 0; i < a.Samples.LongLength; i++)
        {
            double d = a.Samples[i] - b.Samples[i];
            sum += d * d;
        }
        double mse = sum / a.Samples.LongLength / (max * max);
        return mse == 0 ? double.PositiveInfinity : -10 * Math.Log10(mse);
    }
}
