using System.Numerics;
using NeuralFields.Core.Models;
using NeuralFields.Signals.Image;
using static TorchSharp.torch;

namespace NeuralFields.Fitting.Shapes;

/// <summary>
/// A shaded picture of a fitted shape: sphere tracing for signed distances (step by the distance),
/// fixed-step ray marching with bisection for occupancy; normals from central differences of the
/// field; Lambert shading from a light above the camera. All rays advance together in batches.
/// </summary>
public static class ShapePreview
{
    private const int SphereSteps = 96, MarchSteps = 160, Bisections = 6;

    public static ImageSignal Render(FieldModel model, int width, int height, double azimuthDegrees, double elevationDegrees)
    {
        double az = azimuthDegrees * Math.PI / 180, el = elevationDegrees * Math.PI / 180;
        var eye = 3.2f * new Vector3((float)(Math.Cos(el) * Math.Sin(az)), (float)Math.Sin(el), (float)(Math.Cos(el) * Math.Cos(az)));
        var forward = Vector3.Normalize(-eye);
        var right = Vector3.Normalize(Vector3.Cross(forward, Vector3.UnitY));
        var up = Vector3.Cross(right, forward);
        float focal = 1f / MathF.Tan(20f * MathF.PI / 180f);
        int n = width * height;
        var origins = new Vector3[n];
        var directions = new Vector3[n];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float u = (2f * (x + 0.5f) / width - 1f) * width / height, v = 1f - 2f * (y + 0.5f) / height;
                origins[y * width + x] = eye;
                directions[y * width + x] = Vector3.Normalize(focal * forward + u * right + v * up);
            }
        bool sdf = model.Signal.Modality == "sdf";
        var t = new float[n];
        var hit = new bool[n];
        // Start where the ray enters the sphere of radius √3 around the unit cube.
        for (int i = 0; i < n; i++) t[i] = MathF.Max(0, Vector3.Dot(-origins[i], directions[i]) - 1.75f);
        if (sdf) SphereTrace(model, origins, directions, t, hit);
        else March(model, origins, directions, t, hit);

        var pixels = new float[n * 3];
        var light = Vector3.Normalize(eye + 2f * up - 0.5f * right);
        var hits = Enumerable.Range(0, n).Where(i => hit[i]).ToArray();
        var normals = Normals(model, hits.Select(i => origins[i] + t[i] * directions[i]).ToArray(), sdf);
        for (int i = 0; i < n; i++) pixels[3 * i] = pixels[3 * i + 1] = pixels[3 * i + 2] = 1f;
        for (int k = 0; k < hits.Length; k++)
        {
            int i = hits[k];
            float diffuse = MathF.Max(0, Vector3.Dot(normals[k], light));
            float shade = 0.15f + 0.85f * diffuse;
            (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = (0.85f * shade, 0.78f * shade, 0.62f * shade);
        }
        return ImageSignal.FromValues(pixels, width, height, 3, 8);
    }

    private static float[] Field(FieldModel model, Vector3[] points)
    {
        if (points.Length == 0) return [];
        var flat = new float[points.Length * 3];
        for (int i = 0; i < points.Length; i++) (flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]) = (points[i].X, points[i].Y, points[i].Z);
        using var scope = NewDisposeScope();
        return model.Predict(tensor(flat).reshape(-1, 3)).contiguous().data<float>().ToArray();
    }

    private static bool Inside(Vector3 p) => MathF.Abs(p.X) <= 1.01f && MathF.Abs(p.Y) <= 1.01f && MathF.Abs(p.Z) <= 1.01f;

    private static void SphereTrace(FieldModel model, Vector3[] o, Vector3[] d, float[] t, bool[] hit)
    {
        var active = Enumerable.Range(0, o.Length).ToList();
        for (int step = 0; step < SphereSteps && active.Count > 0; step++)
        {
            var values = Field(model, active.Select(i => o[i] + t[i] * d[i]).ToArray());
            var next = new List<int>(active.Count);
            for (int k = 0; k < active.Count; k++)
            {
                int i = active[k];
                if (values[k] < 1e-3f && Inside(o[i] + t[i] * d[i])) { hit[i] = true; continue; }
                t[i] += MathF.Max(values[k], 2e-3f) * 0.9f;
                if (t[i] < 7f) next.Add(i);
            }
            active = next;
        }
    }

    private static void March(FieldModel model, Vector3[] o, Vector3[] d, float[] t, bool[] hit)
    {
        const float step = 3.5f / MarchSteps;
        var active = Enumerable.Range(0, o.Length).ToList();
        for (int s = 0; s < MarchSteps && active.Count > 0; s++)
        {
            var values = Field(model, active.Select(i => o[i] + t[i] * d[i]).ToArray());
            var next = new List<int>(active.Count);
            for (int k = 0; k < active.Count; k++)
            {
                int i = active[k];
                if (values[k] > 0.5f && Inside(o[i] + t[i] * d[i])) { hit[i] = true; continue; }
                t[i] += step;
                next.Add(i);
            }
            active = next;
        }
        // Bisection between the last empty sample and the first occupied one.
        var hits = Enumerable.Range(0, o.Length).Where(i => hit[i]).ToArray();
        var lo = hits.Select(i => t[i] - step).ToArray();
        var hi = hits.Select(i => t[i]).ToArray();
        for (int b = 0; b < Bisections; b++)
        {
            var mid = lo.Zip(hi, (a, c) => 0.5f * (a + c)).ToArray();
            var values = Field(model, hits.Select((i, k) => o[i] + mid[k] * d[i]).ToArray());
            for (int k = 0; k < hits.Length; k++)
                if (values[k] > 0.5f) hi[k] = mid[k]; else lo[k] = mid[k];
        }
        for (int k = 0; k < hits.Length; k++) t[hits[k]] = hi[k];
    }

    /// <summary>Unit normals pointing out of the shape, from central differences of the field.</summary>
    private static Vector3[] Normals(FieldModel model, Vector3[] points, bool sdf)
    {
        // About two preview pixels: a hash grid's finest cells are far smaller, and differences across them show its
        // collision noise as grain rather than the surface's shape.
        const float h = 6e-3f;
        Vector3[] axes = [Vector3.UnitX, Vector3.UnitY, Vector3.UnitZ];
        var gradient = new Vector3[points.Length];
        foreach (var axis in axes)
        {
            var plus = Field(model, points.Select(p => p + h * axis).ToArray());
            var minus = Field(model, points.Select(p => p - h * axis).ToArray());
            for (int k = 0; k < points.Length; k++) gradient[k] += (plus[k] - minus[k]) * axis;
        }
        // Distance grows outwards; occupancy grows inwards.
        return gradient.Select(g => g.LengthSquared() > 0 ? Vector3.Normalize(sdf ? g : -g) : Vector3.UnitY).ToArray();
    }
}
