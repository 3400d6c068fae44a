using System.Numerics;
using NeuralFields.Schema;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Signals.Tests;

public sealed class MeshTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-mesh-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>An axis-aligned cube [-h, h]^3, outward-facing, optionally without its top face.</summary>
    private static TriangleMesh Cube(float h, bool openTop = false)
    {
        var v = new Vector3[8];
        for (int i = 0; i < 8; i++) v[i] = new Vector3((i & 1) == 0 ? -h : h, (i & 2) == 0 ? -h : h, (i & 4) == 0 ? -h : h);
        int[][] faces =
        [
            [0, 2, 3, 1], [4, 5, 7, 6],   // z = -h, z = +h
            [0, 1, 5, 4], [2, 6, 7, 3],   // y = -h, y = +h (top)
            [0, 4, 6, 2], [1, 3, 7, 5],   // x = -h, x = +h
        ];
        var triangles = new List<int>();
        for (int f = 0; f < faces.Length; f++)
        {
            if (openTop && f == 3) continue;
            var q = faces[f];
            triangles.AddRange([q[0], q[1], q[2], q[0], q[2], q[3]]);
        }
        return new TriangleMesh(v, triangles.ToArray());
    }

    /// <summary>A UV sphere of radius r, outward-facing.</summary>
    private static TriangleMesh Sphere(float r, int rings = 48, int segments = 96)
    {
        var vertices = new List<Vector3> { new(0, r, 0) };
        for (int i = 1; i < rings; i++)
            for (int j = 0; j < segments; j++)
            {
                double theta = Math.PI * i / rings, phi = 2 * Math.PI * j / segments;
                vertices.Add(new Vector3((float)(r * Math.Sin(theta) * Math.Cos(phi)), (float)(r * Math.Cos(theta)), (float)(r * Math.Sin(theta) * Math.Sin(phi))));
            }
        vertices.Add(new Vector3(0, -r, 0));
        int bottom = vertices.Count - 1;
        var t = new List<int>();
        int Ring(int i, int j) => 1 + (i - 1) * segments + (j % segments);
        for (int j = 0; j < segments; j++) t.AddRange([0, Ring(1, j + 1), Ring(1, j)]);
        for (int i = 1; i + 1 < rings; i++)
            for (int j = 0; j < segments; j++)
                t.AddRange([Ring(i, j), Ring(i, j + 1), Ring(i + 1, j + 1), Ring(i, j), Ring(i + 1, j + 1), Ring(i + 1, j)]);
        for (int j = 0; j < segments; j++) t.AddRange([bottom, Ring(rings - 1, j), Ring(rings - 1, j + 1)]);
        return new TriangleMesh(vertices.ToArray(), t.ToArray());
    }

    [Theory]
    [InlineData(0f, 0f, 0f)]
    [InlineData(0.2f, -0.1f, 0.3f)]
    [InlineData(0.9f, 0.1f, 0.2f)]
    [InlineData(1.3f, 1.2f, -0.1f)]
    public void Cube_sdf_matches_the_box_formula(float x, float y, float z)
    {
        var query = new MeshQuery(Cube(0.5f));
        var p = new Vector3(x, y, z);
        var q = Vector3.Abs(p) - new Vector3(0.5f);
        float expected = Vector3.Max(q, Vector3.Zero).Length() + MathF.Min(MathF.Max(q.X, MathF.Max(q.Y, q.Z)), 0);
        Assert.Equal(expected, query.SignedDistance(p), 4);
    }

    [Fact]
    public void Sphere_sdf_matches_the_formula_within_the_tessellation_error()
    {
        var query = new MeshQuery(Sphere(0.6f));
        var random = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            var p = new Vector3((float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1);
            Assert.InRange(query.SignedDistance(p) - (p.Length() - 0.6f), -0.003f, 0.003f);
        }
    }

    [Fact]
    public void Winding_number_gives_a_sensible_inside_for_a_mesh_with_a_hole()
    {
        var open = new MeshQuery(Cube(0.5f, openTop: true));
        // From the centre the missing face covers 1/6 of the sphere of directions: w = 5/6.
        Assert.Equal(5.0 / 6.0, open.WindingNumber(Vector3.Zero), 3);
        Assert.True(open.SignedDistance(new Vector3(0, -0.2f, 0)) < 0);
        Assert.True(open.SignedDistance(new Vector3(0, -2f, 0)) > 0);
        Assert.InRange(open.WindingNumber(new Vector3(3, 0, 0)), -0.05, 0.05);
        var closed = new MeshQuery(Cube(0.5f));
        Assert.Equal(1.0, closed.WindingNumber(new Vector3(0.1f, 0.2f, -0.3f)), 3);
    }

    [Fact]
    public void Far_field_winding_approximation_agrees_with_the_exact_sum()
    {
        var sphere = Sphere(0.5f, 24, 48);
        var query = new MeshQuery(sphere);
        foreach (var p in new[] { new Vector3(0.1f, 0, 0), new Vector3(0.45f, 0.1f, 0), new Vector3(0.7f, 0.2f, 0.1f), new Vector3(2, 1, 0) })
        {
            double exact = 0;
            for (int t = 0; t < sphere.TriangleCount; t++)
            {
                var (a, b, c) = sphere.Triangle(t);
                exact += MeshQuery.SolidAngle(a - p, b - p, c - p);
            }
            Assert.InRange(query.WindingNumber(p) - exact / (4 * Math.PI), -0.005, 0.005);
        }
    }

    [Fact]
    public void Marching_an_analytic_sphere_gives_a_closed_mesh_of_the_right_radius()
    {
        const int n = 40;
        const float spacing = 2f / n;
        var origin = new Vector3(-1f + spacing / 2);
        var values = new float[n * n * n];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                    values[(z * n + y) * n + x] = (origin + spacing * new Vector3(x, y, z)).Length() - 0.6f;
        var mesh = MarchingTetrahedra.Extract(values, n, n, n, 0f, origin, spacing);
        Assert.True(mesh.TriangleCount > 1000);
        foreach (var v in mesh.Vertices) Assert.InRange(v.Length(), 0.595f, 0.605f);
        // Closed: every edge is shared by exactly two triangles, in opposite directions.
        var edges = new Dictionary<(int, int), int>();
        for (int t = 0; t < mesh.TriangleCount; t++)
            for (int k = 0; k < 3; k++)
            {
                var e = (mesh.Triangles[3 * t + k], mesh.Triangles[3 * t + (k + 1) % 3]);
                edges[e] = edges.GetValueOrDefault(e) + 1;
            }
        Assert.All(edges, e => { Assert.Equal(1, e.Value); Assert.True(edges.ContainsKey((e.Key.Item2, e.Key.Item1)), "open edge"); });
        // Outward: the winding number of the extracted mesh is 1 at the centre.
        Assert.InRange(new MeshQuery(mesh).WindingNumber(Vector3.Zero), 0.99, 1.01);   // far-field approximation
        Assert.Equal(4 * Math.PI * 0.36, mesh.SurfaceArea(), 1);
    }

    [Theory]
    [InlineData("cube.ply")]
    [InlineData("cube.obj")]
    public void Mesh_files_round_trip(string name)
    {
        var cube = Cube(0.5f);
        var path = Path.Combine(_folder, name);
        MeshFile.Save(path, cube);
        var back = MeshFile.Load(path);
        Assert.Equal(cube.Vertices, back.Vertices);
        Assert.Equal(cube.Triangles, back.Triangles);
    }

    [Fact]
    public void Ascii_ply_with_extra_properties_and_quads_is_read()
    {
        var path = Path.Combine(_folder, "ascii.ply");
        File.WriteAllText(path, "ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\nproperty float confidence\n" +
                                "element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0 1\n1 0 0 1\n1 1 1 1\n0 1 0 1\n4 0 1 2 3\n");   // not flat: a flat mesh is refused
        var mesh = MeshFile.Load(path);
        Assert.Equal(4, mesh.Vertices.Length);
        Assert.Equal(new[] { 0, 1, 2, 0, 2, 3 }, mesh.Triangles);
        Assert.Equal(new Vector3(1, 1, 1), mesh.Vertices[2]);
    }

    [Theory]
    [InlineData("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n", "the mesh is flat")]
    [InlineData("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf 1 2 3\nf 1 3 4\n", "the mesh is flat")]
    [InlineData("v 0 0 0\nv 1 0 0\nv 2 0 0\nv 3 0 0\nf 1 2 3\nf 2 3 4\n", "the mesh has no area")]
    [InlineData("v 0 0 0\nv 1 1 1\nf 1 1 2\nf 2 2 1\n", "the mesh has no area")]
    [InlineData("v 0 0 0\nv NaN 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n", "vertex 2 has a coordinate that is not a finite number")]
    [InlineData("v 0 0 0\nv 1e38 0 0\nv 0 1e38 0\nv 0 0 1e38\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n", "beyond the")]
    public void Meshes_without_area_or_volume_or_with_absurd_coordinates_are_refused_in_one_line(string obj, string expected)
    {
        var path = Path.Combine(_folder, "bad.obj");
        File.WriteAllText(path, obj);
        var error = Assert.Throws<NeuralFieldsException>(() => MeshFile.Load(path));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void A_small_tetrahedron_far_from_the_origin_is_accepted()
    {
        var path = Path.Combine(_folder, "tetrahedron.obj");
        File.WriteAllText(path, "v 1000 1000 1000\nv 1000.001 1000 1000\nv 1000 1000.001 1000\nv 1000 1000 1000.001\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n");
        Assert.Equal(4, MeshFile.Load(path).TriangleCount);
    }
}
