namespace NeuralFields.Schema;

/// <summary>
/// Coordinates of a regular sample grid in [-1,1] at cell centres: sample i of an axis of n samples
/// sits at (2i + 1)/n - 1. Dimensions are slowest axis first ([height, width]); coordinates are
/// fastest axis first ((x, y), (x, y, z)), the image convention.
/// </summary>
public static class SampleGrid
{
    public static float Coordinate(long index, long count) => (float)((2.0 * index + 1.0) / count - 1.0);

    /// <summary>Row-major [samples, dims] coordinates for a grid of the given dimensions.</summary>
    public static float[] Coordinates(IReadOnlyList<int> dimensions) => Coordinates(dimensions, 0, dimensions.Aggregate(1L, (a, d) => a * d));

    /// <summary>Coordinates of the grid's samples <paramref name="first"/> .. <paramref name="first"/> + <paramref name="samples"/> − 1 (grid order), [samples, dims].</summary>
    public static float[] Coordinates(IReadOnlyList<int> dimensions, long first, long samples)
    {
        int dims = dimensions.Count;
        var result = new float[checked(samples * dims)];
        var index = new int[dims];
        long rest = first;
        for (int axis = dims - 1; axis >= 0; axis--)
        {
            index[axis] = (int)(rest % dimensions[axis]);
            rest /= dimensions[axis];
        }
        for (long s = 0; s < samples; s++)
        {
            for (int k = 0; k < dims; k++)
            {
                int axis = dims - 1 - k;
                result[s * dims + k] = Coordinate(index[axis], dimensions[axis]);
            }
            for (int axis = dims - 1; axis >= 0; axis--)
            {
                if (++index[axis] < dimensions[axis]) break;
                index[axis] = 0;
            }
        }
        return result;
    }
}
