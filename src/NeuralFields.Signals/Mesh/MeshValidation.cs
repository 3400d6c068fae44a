using System.Numerics;
using NeuralFields.Schema;

namespace NeuralFields.Signals.Mesh;

/// <summary>
/// Refuses meshes no field can be fitted to, before any work: coordinates that are not finite or so
/// large that squared distances overflow float (Chamfer and areas become infinite), and degenerate
/// shapes that have no area (collinear or repeated points) or no volume (every vertex in one plane),
/// whose fitted field has no surface to extract.
/// </summary>
public static class MeshValidation
{
    /// <summary>Largest coordinate accepted: squares of differences stay far below float's 3.4e38.</summary>
    public const float MaxCoordinate = 1e15f;

    /// <summary>Relative to the longest side of the bounding box (its square for areas).</summary>
    private const double Tolerance = 1e-6;

    public static void Require(TriangleMesh mesh, string path)
    {
        if (mesh.TriangleCount == 0) throw new NeuralFieldsException($"{path} has no faces");
        foreach (int i in mesh.Triangles)
        {
            var v = mesh.Vertices[i];
            if (!(float.IsFinite(v.X) && float.IsFinite(v.Y) && float.IsFinite(v.Z)))
                throw new NeuralFieldsException($"{path}: vertex {i + 1} has a coordinate that is not a finite number ({Format(v)})");
            if (MathF.Max(MathF.Abs(v.X), MathF.Max(MathF.Abs(v.Y), MathF.Abs(v.Z))) > MaxCoordinate)
                throw new NeuralFieldsException($"{path}: vertex {i + 1} lies at {Format(v)}, beyond the ±{MaxCoordinate:G0} coordinates nf accepts");
        }

        // Measured in the unit frame, so the tolerances mean the same at every scale.
        var (centre, scale) = mesh.UnitFrame();
        var unit = mesh.Transformed(v => (v - centre) * scale);
        double longest = 1.6;   // the unit frame's longest side: 80% of [-1, 1]
        int largest = -1;
        double largestArea = 0, area = 0;
        for (int t = 0; t < unit.TriangleCount; t++)
        {
            var (a, b, c) = unit.Triangle(t);
            double triangle = 0.5 * Vector3.Cross(b - a, c - a).Length();
            area += triangle;
            if (triangle > largestArea) (largest, largestArea) = (t, triangle);
        }
        if (largest < 0 || area <= Tolerance * longest * longest)
            throw new NeuralFieldsException($"{path}: the mesh has no area (its {mesh.TriangleCount:N0} triangle(s) are degenerate: collinear or repeated points)");

        var (p, q, r) = unit.Triangle(largest);
        var normal = Vector3.Normalize(Vector3.Cross(q - p, r - p));
        double height = unit.Triangles.Max(i => Math.Abs(Vector3.Dot(unit.Vertices[i] - p, normal)));
        if (height <= Tolerance * longest)
            throw new NeuralFieldsException($"{path}: the mesh is flat (every vertex lies in one plane), so it encloses no volume to fit");
    }

    private static string Format(Vector3 v) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v.X:G4}, {v.Y:G4}, {v.Z:G4}");
}
