using System.Numerics;

namespace NeuralFields.Signals.Mesh;

/// <summary>
/// Extracts the iso-surface of a scalar field sampled on a regular grid. Each grid cube is split
/// into six tetrahedra around its main diagonal (so neighbouring cubes cut shared faces the same
/// way) and each tetrahedron is cut by the level set; vertices on grid edges are shared, so a closed
/// level set gives a closed, watertight mesh. This marching-cubes variant needs no 256-case table
/// and has no ambiguous cases. Triangles face towards larger values (outwards for an SDF).
/// </summary>
public sealed class MarchingTetrahedra
{
    // Cube corners as (x, y, z) bits; the six tetrahedra share the diagonal 0–7.
    private static readonly int[][] Tetrahedra =
    [
        [0, 1, 3, 7], [0, 3, 2, 7], [0, 2, 6, 7], [0, 6, 4, 7], [0, 4, 5, 7], [0, 5, 1, 7],
    ];

    private readonly float[] _values;
    private readonly int _nx, _ny;
    private readonly float _level, _spacing;
    private readonly Vector3 _origin;
    private readonly List<Vector3> _vertices = [];
    private readonly List<int> _triangles = [];
    private readonly Dictionary<(long, long), int> _edgeVertex = [];

    private MarchingTetrahedra(float[] values, int nx, int ny, float level, Vector3 origin, float spacing) =>
        (_values, _nx, _ny, _level, _origin, _spacing) = (values, nx, ny, level, origin, spacing);

    /// <summary>
    /// <paramref name="values"/> is [nz, ny, nx] row-major (x fastest); grid point (i, j, k) sits at
    /// <paramref name="origin"/> + (i, j, k)·<paramref name="spacing"/>.
    /// </summary>
    public static TriangleMesh Extract(float[] values, int nx, int ny, int nz, float level, Vector3 origin, float spacing)
    {
        if (values.LongLength != (long)nx * ny * nz) throw new ArgumentException("grid size does not match the values");
        var m = new MarchingTetrahedra(values, nx, ny, level, origin, spacing);
        Span<long> corner = stackalloc long[8];
        for (int z = 0; z + 1 < nz; z++)
            for (int y = 0; y + 1 < ny; y++)
                for (int x = 0; x + 1 < nx; x++)
                {
                    for (int c = 0; c < 8; c++) corner[c] = ((long)(z + ((c >> 2) & 1)) * ny + y + ((c >> 1) & 1)) * nx + x + (c & 1);
                    foreach (var t in Tetrahedra)
                        m.Cut(corner[t[0]], corner[t[1]], corner[t[2]], corner[t[3]]);
                }
        return new TriangleMesh(m._vertices.ToArray(), m._triangles.ToArray());
    }

    private Vector3 Position(long id)
    {
        long x = id % _nx, y = id / _nx % _ny, z = id / ((long)_nx * _ny);
        return _origin + _spacing * new Vector3(x, y, z);
    }

    private int VertexOn(long a, long b)
    {
        var key = a < b ? (a, b) : (b, a);
        if (_edgeVertex.TryGetValue(key, out int existing)) return existing;
        float va = _values[a], vb = _values[b];
        float t = Math.Clamp(va == vb ? 0.5f : (_level - va) / (vb - va), 0f, 1f);
        var pa = Position(a);
        _vertices.Add(pa + t * (Position(b) - pa));
        _edgeVertex[key] = _vertices.Count - 1;
        return _vertices.Count - 1;
    }

    private void Cut(long p0, long p1, long p2, long p3)
    {
        Span<long> p = [p0, p1, p2, p3];
        Span<long> below = stackalloc long[4];
        Span<long> above = stackalloc long[4];
        int nb = 0, na = 0;
        foreach (long id in p)
        {
            if (_values[id] < _level) below[nb++] = id;
            else above[na++] = id;
        }
        if (nb == 0 || na == 0) return;
        var belowCentre = Vector3.Zero;
        for (int i = 0; i < nb; i++) belowCentre += Position(below[i]);
        belowCentre /= nb;
        if (nb == 1)
            Add(VertexOn(below[0], above[0]), VertexOn(below[0], above[1]), VertexOn(below[0], above[2]), belowCentre);
        else if (na == 1)
            Add(VertexOn(above[0], below[0]), VertexOn(above[0], below[1]), VertexOn(above[0], below[2]), belowCentre);
        else
        {
            // Two below, two above: the cut is a quad a-b-c-d, split into two triangles.
            int a = VertexOn(below[0], above[0]), b = VertexOn(below[0], above[1]);
            int c = VertexOn(below[1], above[1]), d = VertexOn(below[1], above[0]);
            Add(a, b, c, belowCentre);
            Add(a, c, d, belowCentre);
        }
    }

    /// <summary>Adds a triangle wound so its normal points away from the below-level side.</summary>
    private void Add(int a, int b, int c, Vector3 belowCentre)
    {
        var va = _vertices[a];
        var normal = Vector3.Cross(_vertices[b] - va, _vertices[c] - va);
        if (normal.LengthSquared() == 0f && (a == b || b == c || a == c)) return;   // degenerate: a corner exactly on the level
        if (Vector3.Dot(normal, va - belowCentre) < 0) (b, c) = (c, b);
        _triangles.AddRange([a, b, c]);
    }
}
