namespace NeuralFields.Signals.Image;

/// <summary>
/// Which pixels of an image are known, row-major [height, width]. As an image file the convention is
/// white = known, black = missing: a pixel is known when the mean of its colour channels is at least
/// half of full scale (alpha is ignored).
/// </summary>
public sealed class PixelMask
{
    public PixelMask(int width, int height, bool[] known)
    {
        if (known.Length != (long)width * height) throw new ArgumentException("mask length does not match the size");
        (Width, Height, Known) = (width, height, known);
    }

    public int Width { get; }
    public int Height { get; }
    public bool[] Known { get; }

    public int KnownCount => Known.Count(k => k);

    public double KnownFraction => (double)KnownCount / Known.Length;

    public static PixelMask FromImage(ImageSignal image)
    {
        int colour = image.Channels >= 3 ? 3 : 1;
        var known = new bool[(long)image.Width * image.Height];
        for (long p = 0; p < known.Length; p++)
        {
            long sum = 0;
            for (int k = 0; k < colour; k++) sum += image.Samples[p * image.Channels + k];
            known[p] = 2 * sum >= (long)colour * image.MaxValue;
        }
        return new PixelMask(image.Width, image.Height, known);
    }

    /// <summary>The mask as an 8-bit gray image: 255 known, 0 missing.</summary>
    public ImageSignal ToImage() =>
        new(Width, Height, 1, 8, Known.Select(k => k ? (ushort)255 : (ushort)0).ToArray());

    /// <summary>The image with its missing pixels black: what an inpainting method is given.</summary>
    public ImageSignal Hide(ImageSignal image)
    {
        RequireSize(image);
        var samples = (ushort[])image.Samples.Clone();
        for (long p = 0; p < Known.Length; p++)
            if (!Known[p]) Array.Clear(samples, (int)(p * image.Channels), image.Channels);
        return new ImageSignal(image.Width, image.Height, image.Channels, image.BitDepth, samples);
    }

    public void RequireSize(ImageSignal image)
    {
        if (image.Width != Width || image.Height != Height)
            throw new ArgumentException($"the mask is {Width}x{Height} but the image is {image.Width}x{image.Height}");
    }
}
