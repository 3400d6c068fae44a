namespace NeuralFields.Signals.Image;

/// <summary>
/// Shrinks an image by an exact integer factor with a box filter: each output sample is the mean
/// of its factor×factor block, rounded to the source bit depth. This is how the low-resolution
/// inputs of super-resolution experiments are made, so the ground truth is the image itself.
/// </summary>
public static class AreaDownsampling
{
    /// <summary>The centred crop whose sides divide by <paramref name="factor"/>, so no block straddles the border.</summary>
    public static ImageSignal CropToMultiple(ImageSignal image, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        if (image.Width < factor || image.Height < factor)
            throw new ArgumentException($"a {image.Width}x{image.Height} image is smaller than the factor {factor}");
        return ImageCrop.Centre(image, image.Width / factor * factor, image.Height / factor * factor);
    }

    public static ImageSignal Downsample(ImageSignal image, int factor)
    {
        if (factor < 1 || image.Width % factor != 0 || image.Height % factor != 0)
            throw new ArgumentException($"{image.Width}x{image.Height} does not divide by {factor}; crop it first");
        int w = image.Width / factor, h = image.Height / factor, c = image.Channels;
        var samples = new ushort[(long)w * h * c];
        double area = factor * factor;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int k = 0; k < c; k++)
                {
                    long sum = 0;
                    for (int dy = 0; dy < factor; dy++)
                        for (int dx = 0; dx < factor; dx++)
                            sum += image.Samples[((long)(y * factor + dy) * image.Width + x * factor + dx) * c + k];
                    samples[((long)y * w + x) * c + k] = (ushort)Math.Round(sum / area, MidpointRounding.ToEven);
                }
        return new ImageSignal(w, h, c, image.BitDepth, samples);
    }

    /// <summary>Pixel replication (nearest neighbour) by an integer factor: how a low-resolution input looks at full size.</summary>
    public static ImageSignal Replicate(ImageSignal image, int factor)
    {
        int w = image.Width * factor, h = image.Height * factor, c = image.Channels;
        var samples = new ushort[(long)w * h * c];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                Array.Copy(image.Samples, ((long)(y / factor) * image.Width + x / factor) * c, samples, ((long)y * w + x) * c, c);
        return new ImageSignal(w, h, c, image.BitDepth, samples);
    }
}
