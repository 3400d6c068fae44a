using System.Numerics;

namespace NeuralFields.Signals.Mesh;

/// <summary>Which 3D field a mesh is turned into.</summary>
public enum FieldKind
{
    /// <summary>Signed distance, negative inside.</summary>
    Sdf,
    /// <summary>1 inside, 0 outside.</summary>
    Occupancy,
}

/// <summary>
/// Training samples of a mesh's field in the unit cube: half near the surface (surface points plus
/// Gaussian offsets of two widths, as DeepSDF samples), half uniform in [-1,1]^3.
/// </summary>
public static class FieldSamples
{
    public static (float[] Points, float[] Values) Draw(MeshQuery query, TriangleMesh unitMesh, FieldKind kind, int count, int seed)
    {
        var random = new Random(seed);
        int near = count / 2;
        var surface = unitMesh.SampleSurface(near, random);
        var points = new Vector3[count];
        for (int i = 0; i < near; i++)
        {
            float sigma = i % 2 == 0 ? 0.01f : 0.05f;
            points[i] = surface[i] + sigma * new Vector3(Gaussian(random), Gaussian(random), Gaussian(random));
        }
        for (int i = near; i < count; i++)
            points[i] = new Vector3(Uniform(random), Uniform(random), Uniform(random));
        var values = Evaluate(query, points, kind);
        var flat = new float[count * 3];
        for (int i = 0; i < count; i++) (flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]) = (points[i].X, points[i].Y, points[i].Z);
        return (flat, values);
    }

    /// <summary>The field at each point, in parallel.</summary>
    public static float[] Evaluate(MeshQuery query, IReadOnlyList<Vector3> points, FieldKind kind)
    {
        var values = new float[points.Count];
        Parallel.For(0, points.Count, i => values[i] = kind == FieldKind.Sdf
            ? query.SignedDistance(points[i])
            : query.WindingNumber(points[i]) > 0.5 ? 1f : 0f);
        return values;
    }

    private static float Uniform(Random r) => (float)(r.NextDouble() * 2 - 1);

    private static float Gaussian(Random r) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
}
