using NeuralFields.Schema;

namespace NeuralFields.Signals.Image;

/// <summary>
/// Inpainting masks made from a seed with <see cref="PortableRandom"/>, so they are the same on every
/// machine: scattered random pixels, a centred box, and pen-like strokes.
/// </summary>
public static class SyntheticMasks
{
    /// <summary>Each pixel is kept with probability <paramref name="keep"/>.</summary>
    public static PixelMask RandomPixels(int width, int height, double keep, ulong seed)
    {
        var random = new PortableRandom(seed);
        var known = new bool[(long)width * height];
        for (long p = 0; p < known.Length; p++) known[p] = random.NextDouble() < keep;
        return new PixelMask(width, height, known);
    }

    /// <summary>A centred hole <paramref name="side"/> of the width and of the height (at least one pixel).</summary>
    public static PixelMask CentredBox(int width, int height, double side)
    {
        int w = Math.Max(1, (int)Math.Round(width * side)), h = Math.Max(1, (int)Math.Round(height * side));
        int x0 = (width - w) / 2, y0 = (height - h) / 2;
        var known = new bool[(long)width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                known[(long)y * width + x] = x < x0 || x >= x0 + w || y < y0 || y >= y0 + h;
        return new PixelMask(width, height, known);
    }

    /// <summary>
    /// <paramref name="count"/> strokes, each a polyline of 3 to 6 segments that turns gently, drawn
    /// with a round pen about 1/24 of the shorter side wide (at least one pixel), like scribbles over a photo.
    /// </summary>
    public static PixelMask Strokes(int width, int height, int count, ulong seed)
    {
        var random = new PortableRandom(seed);
        var known = Enumerable.Repeat(true, width * height).ToArray();
        double shorter = Math.Min(width, height);
        double radius = Math.Max(1, Math.Round(shorter / 24)) / 2;
        for (int s = 0; s < count; s++)
        {
            double x = random.NextDouble() * width, y = random.NextDouble() * height;
            double angle = random.NextDouble() * 2 * Math.PI;
            int segments = 3 + (int)(random.NextDouble() * 4);
            for (int k = 0; k < segments; k++)
            {
                angle += (random.NextDouble() - 0.5) * 1.5;
                double length = shorter * (0.125 + 0.125 * random.NextDouble());
                double nx = Math.Clamp(x + length * Math.Cos(angle), 0, width), ny = Math.Clamp(y + length * Math.Sin(angle), 0, height);
                Paint(known, width, height, x, y, nx, ny, radius);
                (x, y) = (nx, ny);
            }
        }
        return new PixelMask(width, height, known);
    }

    /// <summary>Marks missing every pixel whose centre lies within <paramref name="radius"/> of the segment.</summary>
    private static void Paint(bool[] known, int width, int height, double x0, double y0, double x1, double y1, double radius)
    {
        int left = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - radius)), right = Math.Min(width - 1, (int)Math.Ceiling(Math.Max(x0, x1) + radius));
        int top = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - radius)), bottom = Math.Min(height - 1, (int)Math.Ceiling(Math.Max(y0, y1) + radius));
        double dx = x1 - x0, dy = y1 - y0, lengthSquared = dx * dx + dy * dy;
        for (int y = top; y <= bottom; y++)
            for (int x = left; x <= right; x++)
            {
                double px = x + 0.5 - x0, py = y + 0.5 - y0;
                double t = lengthSquared > 0 ? Math.Clamp((px * dx + py * dy) / lengthSquared, 0, 1) : 0;
                double ex = px - t * dx, ey = py - t * dy;
                if (ex * ex + ey * ey <= radius * radius) known[(long)y * width + x] = false;
            }
    }
}
