using ILGPU;

namespace NeuralFields.Kernels;

/// <summary>
/// One coordinate of up to four dimensions (x, y, z, w), passed by value inside kernels where no
/// arrays may be allocated. Unused components are 0.
/// </summary>
public struct Point
{
    public const int MaxDims = 4;

    public float X, Y, Z, W;

    public readonly float this[int axis] => axis == 0 ? X : axis == 1 ? Y : axis == 2 ? Z : W;

    public void Set(int axis, float value)
    {
        if (axis == 0) X = value;
        else if (axis == 1) Y = value;
        else if (axis == 2) Z = value;
        else W = value;
    }

    /// <summary>Row <paramref name="row"/> of a row-major [N, dims] coordinate array.</summary>
    public static Point Load(ArrayView<float> coordinates, long row, int dims)
    {
        var p = default(Point);
        long at = row * dims;
        p.X = coordinates[at];
        if (dims > 1) p.Y = coordinates[at + 1];
        if (dims > 2) p.Z = coordinates[at + 2];
        if (dims > 3) p.W = coordinates[at + 3];
        return p;
    }
}
