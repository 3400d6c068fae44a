using System.Runtime.CompilerServices;

namespace NeuralFields.Schema;

/// <summary>
/// How a latent grid is read at a sample (docs/format.md §9.1), in float32: where the sample falls along each axis
/// and the bilinear blend of the four cells around it. The decoder and the trainer's upsampling both compute with
/// these, so training sees the features a file decodes to.
/// </summary>
public static class LatentSampling
{
    /// <summary>p = clamp(((c + 1)·0.5)·n − 0.5, 0, n − 1) in float; lower cell clamp(⌊p⌋, 0, n − 2), upper min(lower + 1, n − 1), weight p − lower.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int Lower, int Upper, float Fraction) Corners(float coordinate, int n)
    {
        float position = Math.Clamp((coordinate + 1) * 0.5f * n - 0.5f, 0f, n - 1);
        int lower = Math.Clamp((int)MathF.Floor(position), 0, Math.Max(0, n - 2));
        return (lower, Math.Min(lower + 1, n - 1), position - lower);
    }

    /// <summary>
    /// The rows' cells blended along x, then the two rows along y: (a·(1 − fx) + b·fx)·(1 − fy) + (c·(1 − fx) + d·fx)·fy,
    /// with a, b the upper row's lower and upper cells and c, d the lower row's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Bilinear(float a, float b, float c, float d, float fx, float fy)
    {
        float upper = a * (1 - fx) + b * fx;
        float lower = c * (1 - fx) + d * fx;
        return upper * (1 - fy) + lower * fy;
    }
}
