using System.Numerics;
using NeuralFields.Core.Models;
using NeuralFields.Schema;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Fitting.Shapes;

/// <summary>How well a fitted shape field matches its mesh.</summary>
public static class ShapeMetrics
{
    /// <summary>
    /// Intersection over union of the inside (winding number above 0.5 for the mesh; negative distance
    /// or occupancy above 0.5 for the field) at the R³ cell centres of the unit cube.
    /// </summary>
    public static double Iou(FieldModel model, MeshQuery unitMesh, int resolution)
    {
        var predicted = FieldGrid.Evaluate(model, resolution);
        var coordinates = SampleGrid.Coordinates([resolution, resolution, resolution]);
        var points = new Vector3[predicted.Length];
        for (int i = 0; i < points.Length; i++) points[i] = new Vector3(coordinates[3 * i], coordinates[3 * i + 1], coordinates[3 * i + 2]);
        var truth = FieldSamples.Evaluate(unitMesh, points, FieldKind.Occupancy);
        bool sdf = model.Signal.Modality == "sdf";
        long intersection = 0, union = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            bool p = sdf ? predicted[i] < 0 : predicted[i] > 0.5f;
            bool t = truth[i] > 0.5f;
            if (p && t) intersection++;
            if (p || t) union++;
        }
        return union == 0 ? 1 : (double)intersection / union;
    }

    /// <summary>
    /// Symmetric Chamfer distance: the mean of the two mean nearest-surface distances between points
    /// spread over each surface, in the units of the meshes given.
    /// </summary>
    public static double Chamfer(TriangleMesh a, TriangleMesh b, int points, int seed)
    {
        if (a.TriangleCount == 0 || b.TriangleCount == 0) return double.PositiveInfinity;
        var random = new Random(seed);
        var queryA = new MeshQuery(a);
        var queryB = new MeshQuery(b);
        var onA = a.SampleSurface(points, random);
        var onB = b.SampleSurface(points, random);
        var aToB = new double[points];
        var bToA = new double[points];
        Parallel.For(0, points, i =>
        {
            aToB[i] = queryB.Distance(onA[i]);
            bToA[i] = queryA.Distance(onB[i]);
        });
        return 0.5 * (aToB.Average() + bToA.Average());
    }
}
