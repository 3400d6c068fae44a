using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// Side-by-side crops: the same centred window (at most <see cref="MaxSide"/> pixels a side) of the
/// truth, the input and every method's output, in one PNG with white gaps. Labels live in the report.
/// </summary>
public static class CropStrip
{
    public const int MaxSide = 128, Gap = 4;

    /// <summary>Writes the strip and returns the size of one panel.</summary>
    public static (int Width, int Height) Write(string path, IReadOnlyList<ImageSignal> panels)
    {
        var first = panels[0];
        int w = Math.Min(MaxSide, first.Width), h = Math.Min(MaxSide, first.Height), c = first.Channels;
        int stripWidth = panels.Count * w + (panels.Count - 1) * Gap;
        var samples = new ushort[(long)stripWidth * h * c];
        Array.Fill(samples, (ushort)first.MaxValue);
        for (int i = 0; i < panels.Count; i++)
        {
            var crop = ImageCrop.Centre(panels[i], w, h);
            for (int y = 0; y < h; y++)
                Array.Copy(crop.Samples, (long)y * w * c, samples, ((long)y * stripWidth + i * (w + Gap)) * c, (long)w * c);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageFile.SavePng(path, new ImageSignal(stripWidth, h, c, first.BitDepth, samples));
        return (w, h);
    }
}
