using System.Globalization;
using System.Numerics;
using System.Text;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Codec.Tests;

/// <summary>Meshes through `nf compress` / `nf decompress`: a sphere comes back as a sphere, where it was.</summary>
public sealed class ShapeCodecTests : IDisposable
{
    private static readonly Vector3 Centre = new(2f, -1f, 0.5f);
    private const float Radius = 1f;

    private readonly string _folder = Directory.CreateTempSubdirectory("nf-codec-shape-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_folder, name);

    /// <summary>A closed latitude/longitude sphere as OBJ, away from the origin so the frame round trip is tested.</summary>
    private string WriteSphere()
    {
        const int rings = 24, segments = 48;
        var text = new StringBuilder();
        void Vertex(Vector3 v) => text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"v {v.X} {v.Y} {v.Z}"));
        Vertex(Centre + new Vector3(0, 0, Radius));
        for (int i = 1; i < rings; i++)
            for (int j = 0; j < segments; j++)
            {
                double theta = Math.PI * i / rings, phi = 2 * Math.PI * j / segments;
                Vertex(Centre + Radius * new Vector3((float)(Math.Sin(theta) * Math.Cos(phi)), (float)(Math.Sin(theta) * Math.Sin(phi)), (float)Math.Cos(theta)));
            }
        Vertex(Centre + new Vector3(0, 0, -Radius));
        int Ring(int i, int j) => 2 + (i - 1) * segments + (j % segments);   // OBJ indices start at 1
        int south = 2 + (rings - 1) * segments;
        for (int j = 0; j < segments; j++)
        {
            text.AppendLine($"f 1 {Ring(1, j)} {Ring(1, j + 1)}");
            for (int i = 1; i + 1 < rings; i++)
            {
                text.AppendLine($"f {Ring(i, j)} {Ring(i + 1, j)} {Ring(i + 1, j + 1)}");
                text.AppendLine($"f {Ring(i, j)} {Ring(i + 1, j + 1)} {Ring(i, j + 1)}");
            }
            text.AppendLine($"f {south} {Ring(rings - 1, j + 1)} {Ring(rings - 1, j)}");
        }
        File.WriteAllText(Path("sphere.obj"), text.ToString());
        return Path("sphere.obj");
    }

    [Fact]
    public void A_sphere_decodes_to_a_closed_surface_at_the_same_place_and_radius()
    {
        var source = WriteSphere();
        var compress = Nf.Run("compress", source, "-o", Path("sphere.nf"), "--grid", "24", "--steps", "300");
        Assert.True(compress.ExitCode == 0, compress.Error);
        var info = Nf.Run("info", Path("sphere.nf"));
        Assert.Contains("shape", info.Out);
        var decompress = Nf.Run("decompress", Path("sphere.nf"), "-o", Path("back.ply"));
        Assert.True(decompress.ExitCode == 0, decompress.Error);

        var back = MeshFile.Load(Path("back.ply"));
        Assert.True(back.TriangleCount > 100);
        // The grid spacing is 2.5/24 ≈ 0.10 mesh units (the sphere fills 0.8 of the unit frame): every vertex
        // within half a spacing of the true surface, and the surface centred where it was.
        var radii = back.Vertices.Select(v => (v - Centre).Length()).ToArray();
        Assert.True(radii.All(r => Math.Abs(r - Radius) < 0.05f), $"radii from {radii.Min():F3} to {radii.Max():F3}");
        var mean = back.Vertices.Aggregate(Vector3.Zero, (a, v) => a + v) / back.Vertices.Length;
        Assert.True((mean - Centre).Length() < 0.02f, $"centre {mean}");
    }

    [Fact]
    public void Lossless_and_bad_grids_are_refused_without_writing_a_file()
    {
        var source = WriteSphere();
        var lossless = Nf.Run("compress", source, "-o", Path("a.nf"), "--lossless", "--steps", "2");
        Assert.NotEqual(0, lossless.ExitCode);
        Assert.Contains("lossy by nature", lossless.Error);
        var tiny = Nf.Run("compress", source, "-o", Path("b.nf"), "--grid", "4", "--steps", "2");
        Assert.NotEqual(0, tiny.ExitCode);
        Assert.Contains("--grid", tiny.Error);
        Assert.False(File.Exists(Path("a.nf")) || File.Exists(Path("b.nf")));
    }
}
