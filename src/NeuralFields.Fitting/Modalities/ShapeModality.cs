using System.Numerics;
using NeuralFields.Codec.Decoder;
using NeuralFields.Schema;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Fitting.Modalities;

/// <summary>
/// Meshes (.ply, .obj) as neural files: the mesh's truncated signed distance, sampled on an R³ grid over
/// its unit frame, is the signal the network fits (16-bit samples, 0.5 on the surface); decoding
/// extracts the zero level set by marching tetrahedra and maps it back to the mesh's own coordinates.
/// The grid sampling already loses detail below a voxel, so shape files are lossy only. The frame
/// (centre and scale), the truncation and the grid size travel as attributes.
/// </summary>
public sealed class ShapeModality : IModality
{
    public const string CentreKey = SignalRules.CentreKey, ScaleKey = SignalRules.ScaleKey, TruncationKey = SignalRules.TruncationKey;

    /// <summary>|SDF| beyond this (in unit-frame units, where the shape spans [-0.8, 0.8]) is clamped: the
    /// network spends its capacity near the surface, and about three voxels of a 64³ grid stay linear.</summary>
    public const float Truncation = 0.1f;

    public string Name => "shape";

    public IReadOnlyList<string> Extensions { get; } = [".ply", ".obj"];

    public string OutputExtension => ".ply";

    public string DefaultPreset => "shape-siren";

    public (FieldConfig Config, string Name) FitConfig(FitSource source, bool lossless, long memoryBudget) =>
        Modality.Preset(((Sources.ShapeSource)source).Kind == FieldKind.Sdf ? "sdf-hashgrid" : "occupancy-hashgrid");

    public FitSource Open(string path, LoadOptions options) =>
        new Sources.ShapeSource(MeshFile.Load(path), Path.GetFullPath(path), options.Field, options.Samples, options.Resolution);

    public LoadedSignal Load(string path, LoadOptions options)
    {
        int r = options.GridResolution;
        if (r is < 8 or > 512)
            throw new NeuralFieldsException($"--grid must be from 8 to 512 points per axis, got {r}");
        if ((long)r * r * r > options.MaxPoints)
            throw new NeuralFieldsException($"{path}: a {r}³ grid is over the limit of {options.MaxPoints:N0} points");
        var mesh = MeshFile.Load(path);
        if (mesh.TriangleCount == 0) throw new NeuralFieldsException($"{path}: the mesh has no triangles");
        var (centre, scale) = mesh.UnitFrame();
        var query = new MeshQuery(mesh.Transformed(v => (v - centre) * scale));
        var points = new Vector3[(long)r * r * r];
        for (int z = 0, i = 0; z < r; z++)
            for (int y = 0; y < r; y++)
                for (int x = 0; x < r; x++, i++)
                    points[i] = new Vector3(SampleGrid.Coordinate(x, r), SampleGrid.Coordinate(y, r), SampleGrid.Coordinate(z, r));
        var distances = FieldSamples.Evaluate(query, points, FieldKind.Sdf);
        var samples = new ushort[distances.Length];
        for (int i = 0; i < samples.Length; i++)
            samples[i] = (ushort)Math.Round((Math.Clamp(distances[i] / Truncation, -1f, 1f) + 1) * 0.5 * ushort.MaxValue, MidpointRounding.ToEven);
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [CentreKey] = AttributeNumbers.Format(centre.X, centre.Y, centre.Z),
            [ScaleKey] = AttributeNumbers.Format(scale),
            [TruncationKey] = AttributeNumbers.Format(Truncation),
        };
        var info = new SignalInfo(Name, [r, r, r], 1, 16);
        return new LoadedSignal(info, samples)
        {
            Attributes = attributes,
            Exact = false,
            Description = $"a mesh, stored as its signed distance on a {r}³ grid (lossy by nature)",
        };
    }

    public void Write(string path, DecodedSignal signal) => MeshFile.Save(path, Surface(signal));

    /// <summary>The decoded field's zero level set, in the source mesh's coordinates.</summary>
    public static TriangleMesh Surface(DecodedSignal signal)
    {
        var d = signal.Info.Dimensions;
        if (d.Length != 3 || d[0] != d[1] || d[1] != d[2] || signal.Info.Channels != 1)
            throw new NeuralFieldsException("a shape file holds one channel on a cubic 3-D grid; this one does not");
        var a = signal.Attributes;
        if (!AttributeNumbers.TryRead(a, CentreKey, 3, out var c) || !AttributeNumbers.TryRead(a, ScaleKey, 1, out var s) || s[0] <= 0
            || !AttributeNumbers.TryRead(a, TruncationKey, 1, out var t))
            throw new NeuralFieldsException($"the file lacks the {CentreKey}, {ScaleKey} and {TruncationKey} a shape needs");
        int r = d[0];
        float toDistance = 2f * t[0] / signal.Info.MaxValue;
        var values = signal.Samples.Select(v => v * toDistance - t[0]).ToArray();
        var unit = MarchingTetrahedra.Extract(values, r, r, r, 0f, new Vector3(SampleGrid.Coordinate(0, r)), 2f / r);
        if (unit.TriangleCount == 0)
            throw new NeuralFieldsException("the decoded field has no surface (no sign change on the grid): nothing to write");
        var centre = new Vector3(c[0], c[1], c[2]);
        return unit.Transformed(v => v / s[0] + centre);
    }
}
