using System.Numerics;

namespace NeuralFields.Signals.Mesh;

/// <summary>An indexed triangle mesh: vertex positions and triangles as vertex-index triples.</summary>
public sealed class TriangleMesh
{
    public TriangleMesh(Vector3[] vertices, int[] triangles)
    {
        if (triangles.Length % 3 != 0) throw new ArgumentException("triangle indices must come in threes");
        foreach (int i in triangles)
            if ((uint)i >= (uint)vertices.Length) throw new ArgumentException($"triangle index {i} is outside the {vertices.Length} vertices");
        (Vertices, Triangles) = (vertices, triangles);
    }

    public Vector3[] Vertices { get; }
    public int[] Triangles { get; }
    public int TriangleCount => Triangles.Length / 3;

    public (Vector3 A, Vector3 B, Vector3 C) Triangle(int t) =>
        (Vertices[Triangles[3 * t]], Vertices[Triangles[3 * t + 1]], Vertices[Triangles[3 * t + 2]]);

    /// <summary>Bounds of the vertices that triangles use (scanners leave unreferenced vertices behind).</summary>
    public (Vector3 Min, Vector3 Max) Bounds()
    {
        var min = new Vector3(float.MaxValue);
        var max = new Vector3(float.MinValue);
        foreach (int i in Triangles)
        {
            min = Vector3.Min(min, Vertices[i]);
            max = Vector3.Max(max, Vertices[i]);
        }
        return (min, max);
    }

    /// <summary>
    /// The frame that maps this mesh into the unit cube: centre of its bounds and a scale that puts the
    /// longest side at <paramref name="fill"/> of [-1,1] (room for the field around the surface).
    /// </summary>
    public (Vector3 Centre, float Scale) UnitFrame(float fill = 0.8f)
    {
        var (min, max) = Bounds();
        var size = max - min;
        float longest = MathF.Max(size.X, MathF.Max(size.Y, size.Z));
        return ((min + max) * 0.5f, longest > 0 ? 2f * fill / longest : 1f);
    }

    public TriangleMesh Transformed(Func<Vector3, Vector3> map) => new(Vertices.Select(map).ToArray(), Triangles);

    public double SurfaceArea()
    {
        double area = 0;
        for (int t = 0; t < TriangleCount; t++)
        {
            var (a, b, c) = Triangle(t);
            area += 0.5 * Vector3.Cross(b - a, c - a).Length();
        }
        return area;
    }

    /// <summary>Points spread uniformly over the surface (area-weighted triangle choice, uniform barycentrics).</summary>
    public Vector3[] SampleSurface(int count, Random random)
    {
        var cumulative = new double[TriangleCount];
        double total = 0;
        for (int t = 0; t < TriangleCount; t++)
        {
            var (a, b, c) = Triangle(t);
            total += 0.5 * Vector3.Cross(b - a, c - a).Length();
            cumulative[t] = total;
        }
        var points = new Vector3[count];
        for (int i = 0; i < count; i++)
        {
            int t = Array.BinarySearch(cumulative, random.NextDouble() * total);
            if (t < 0) t = Math.Min(~t, TriangleCount - 1);
            var (a, b, c) = Triangle(t);
            float r1 = MathF.Sqrt((float)random.NextDouble()), r2 = (float)random.NextDouble();
            points[i] = (1 - r1) * a + r1 * (1 - r2) * b + r1 * r2 * c;
        }
        return points;
    }
}
