namespace NeuralFields.Signals.Image;

/// <summary>Rectangular crops of an image (same channels and bit depth).</summary>
public static class ImageCrop
{
    public static ImageSignal Region(ImageSignal image, int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width < 1 || height < 1 || x + width > image.Width || y + height > image.Height)
            throw new ArgumentOutOfRangeException(nameof(width), $"crop {width}x{height}+{x}+{y} is outside the {image.Width}x{image.Height} image");
        int c = image.Channels;
        var samples = new ushort[(long)width * height * c];
        for (int row = 0; row < height; row++)
            Array.Copy(image.Samples, ((long)(y + row) * image.Width + x) * c, samples, (long)row * width * c, (long)width * c);
        return new ImageSignal(width, height, c, image.BitDepth, samples);
    }

    /// <summary>The centred width×height window (the left/top side keeps the odd pixel).</summary>
    public static ImageSignal Centre(ImageSignal image, int width, int height) =>
        width == image.Width && height == image.Height
            ? image
            : Region(image, (image.Width - width) / 2, (image.Height - height) / 2, width, height);
}
