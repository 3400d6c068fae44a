using System.Numerics;

namespace NeuralFields.Signals.Mesh;

/// <summary>
/// Distance and inside/outside queries on a triangle mesh through a bounding-volume hierarchy:
/// exact closest points (unsigned distance), and the generalised winding number (Jacobson et al.
/// 2013) with Barill et al.'s (2018) far-field dipole approximation, so meshes with holes (the
/// Stanford bunny) still get a sensible inside. Thread-safe after construction.
/// </summary>
public sealed class MeshQuery
{
    private const int LeafSize = 8;
    private const float FarFieldRatio = 4f;        // use the dipole when |p − centre| > ratio · radius (error well under 1%)

    private readonly TriangleMesh _mesh;
    private readonly List<Node> _nodes = [];
    private readonly int[] _order;

    private struct Node
    {
        public Vector3 Min, Max;
        public int Start, Count, Left, Right;   // leaves: triangles _order[Start..Start+Count); inner: children
        public Vector3 Centre, AreaNormal;       // area-weighted centroid and Σ area · normal (for the dipole)
        public float Radius;
    }

    public MeshQuery(TriangleMesh mesh)
    {
        _mesh = mesh;
        _order = Enumerable.Range(0, mesh.TriangleCount).ToArray();
        var centroids = new Vector3[mesh.TriangleCount];
        for (int t = 0; t < centroids.Length; t++)
        {
            var (a, b, c) = mesh.Triangle(t);
            centroids[t] = (a + b + c) / 3f;
        }
        Build(0, _order.Length, centroids);
    }

    private int Build(int start, int count, Vector3[] centroids)
    {
        var node = new Node { Start = start, Count = count, Left = -1, Right = -1, Min = new Vector3(float.MaxValue), Max = new Vector3(float.MinValue) };
        double area = 0;
        var weighted = Vector3.Zero;
        for (int i = start; i < start + count; i++)
        {
            var (a, b, c) = _mesh.Triangle(_order[i]);
            node.Min = Vector3.Min(node.Min, Vector3.Min(a, Vector3.Min(b, c)));
            node.Max = Vector3.Max(node.Max, Vector3.Max(a, Vector3.Max(b, c)));
            var cross = Vector3.Cross(b - a, c - a);
            float triangleArea = 0.5f * cross.Length();
            node.AreaNormal += 0.5f * cross;
            weighted += triangleArea * centroids[_order[i]];
            area += triangleArea;
        }
        node.Centre = area > 0 ? weighted / (float)area : (node.Min + node.Max) * 0.5f;
        node.Radius = MathF.Max((node.Max - node.Centre).Length(), (node.Min - node.Centre).Length());
        int index = _nodes.Count;
        _nodes.Add(node);
        if (count <= LeafSize) return index;

        var extent = node.Max - node.Min;
        int axis = extent.X >= extent.Y && extent.X >= extent.Z ? 0 : extent.Y >= extent.Z ? 1 : 2;
        Array.Sort(_order, start, count, Comparer<int>.Create((p, q) => Axis(centroids[p], axis).CompareTo(Axis(centroids[q], axis))));
        int half = count / 2;
        int left = Build(start, half, centroids);
        int right = Build(start + half, count - half, centroids);
        var n = _nodes[index];
        n.Left = left;
        n.Right = right;
        _nodes[index] = n;
        return index;
    }

    private static float Axis(Vector3 v, int axis) => axis == 0 ? v.X : axis == 1 ? v.Y : v.Z;

    /// <summary>Distance from <paramref name="p"/> to the nearest point of the surface.</summary>
    public float Distance(Vector3 p) => MathF.Sqrt(ClosestSquared(p, 0, float.MaxValue));

    private float ClosestSquared(Vector3 p, int index, float best)
    {
        var node = _nodes[index];
        if (BoxDistanceSquared(p, node.Min, node.Max) >= best) return best;
        if (node.Left < 0)
        {
            for (int i = node.Start; i < node.Start + node.Count; i++)
            {
                var (a, b, c) = _mesh.Triangle(_order[i]);
                best = MathF.Min(best, Vector3.DistanceSquared(p, ClosestPointOnTriangle(p, a, b, c)));
            }
            return best;
        }
        // Visit the nearer child first so the bound tightens early.
        var l = _nodes[node.Left];
        var r = _nodes[node.Right];
        bool leftFirst = BoxDistanceSquared(p, l.Min, l.Max) <= BoxDistanceSquared(p, r.Min, r.Max);
        best = ClosestSquared(p, leftFirst ? node.Left : node.Right, best);
        return ClosestSquared(p, leftFirst ? node.Right : node.Left, best);
    }

    private static float BoxDistanceSquared(Vector3 p, Vector3 min, Vector3 max)
    {
        var d = Vector3.Max(Vector3.Max(min - p, p - max), Vector3.Zero);
        return d.LengthSquared();
    }

    /// <summary>Closest point of triangle abc to p (Ericson, Real-Time Collision Detection, §5.1.5).</summary>
    public static Vector3 ClosestPointOnTriangle(Vector3 p, Vector3 a, Vector3 b, Vector3 c)
    {
        var ab = b - a; var ac = c - a; var ap = p - a;
        float d1 = Vector3.Dot(ab, ap), d2 = Vector3.Dot(ac, ap);
        if (d1 <= 0 && d2 <= 0) return a;
        var bp = p - b;
        float d3 = Vector3.Dot(ab, bp), d4 = Vector3.Dot(ac, bp);
        if (d3 >= 0 && d4 <= d3) return b;
        float vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) return a + d1 / (d1 - d3) * ab;
        var cp = p - c;
        float d5 = Vector3.Dot(ab, cp), d6 = Vector3.Dot(ac, cp);
        if (d6 >= 0 && d5 <= d6) return c;
        float vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0) return a + d2 / (d2 - d6) * ac;
        float va = d3 * d6 - d5 * d4;
        if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) return b + (d4 - d3) / (d4 - d3 + (d5 - d6)) * (c - b);
        float denom = 1f / (va + vb + vc);
        return a + ab * (vb * denom) + ac * (vc * denom);
    }

    /// <summary>
    /// Generalised winding number at p: about 1 inside a closed, outward-oriented surface, 0 outside,
    /// and a smooth value in between near holes. Inside means w > 0.5.
    /// </summary>
    public double WindingNumber(Vector3 p) => Winding(p, 0) / (4 * Math.PI);

    private double Winding(Vector3 p, int index)
    {
        var node = _nodes[index];
        var toCentre = node.Centre - p;
        float distance = toCentre.Length();
        if (node.Left >= 0 && distance > FarFieldRatio * node.Radius)
            return Vector3.Dot(node.AreaNormal, toCentre) / (distance * distance * distance);    // dipole: Σ a n·(c−p)/|c−p|³
        if (node.Left < 0)
        {
            double sum = 0;
            for (int i = node.Start; i < node.Start + node.Count; i++)
            {
                var (a, b, c) = _mesh.Triangle(_order[i]);
                sum += SolidAngle(a - p, b - p, c - p);
            }
            return sum;
        }
        return Winding(p, node.Left) + Winding(p, node.Right);
    }

    /// <summary>Signed solid angle of a triangle seen from the origin (Van Oosterom and Strackee 1983).</summary>
    public static double SolidAngle(Vector3 a, Vector3 b, Vector3 c)
    {
        double la = a.Length(), lb = b.Length(), lc = c.Length();
        double det = Vector3.Dot(a, Vector3.Cross(b, c));
        double div = la * lb * lc + Vector3.Dot(a, b) * lc + Vector3.Dot(a, c) * lb + Vector3.Dot(b, c) * la;
        return 2 * Math.Atan2(det, div);
    }

    /// <summary>Signed distance: negative inside (winding number above 0.5).</summary>
    public float SignedDistance(Vector3 p) => WindingNumber(p) > 0.5 ? -Distance(p) : Distance(p);
}
