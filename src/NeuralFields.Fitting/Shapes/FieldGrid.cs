using System.Numerics;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Rendering;
using NeuralFields.Schema;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Fitting.Shapes;

/// <summary>Evaluates 3D fields (SDF, occupancy) on grids and turns them into meshes.</summary>
public static class FieldGrid
{
    public static bool IsShapeField(SignalInfo s) => s.Modality is "sdf" or "occupancy";

    /// <summary>The level whose surface is the shape: 0 for signed distance, 0.5 for occupancy.</summary>
    public static float SurfaceLevel(SignalInfo s) => s.Modality == "sdf" ? 0f : 0.5f;

    /// <summary>Field values at the R³ cell centres of [-1,1]^3, [z, y, x] with x fastest.</summary>
    public static float[] Evaluate(FieldModel model, int resolution) =>
        FieldRendering.Grid(model, [resolution, resolution, resolution], Backends.AcceleratorChoice.Torch);   // a chunk at a time: no R³ grid of coordinates

    /// <summary>
    /// The surface of a fitted shape field, in the unit cube (<paramref name="original"/> false) or in
    /// the source mesh's own coordinates, with triangles facing out of the shape.
    /// </summary>
    public static TriangleMesh ExtractSurface(FieldModel model, int resolution, bool original = true)
    {
        var values = Evaluate(model, resolution);
        // Marching faces triangles toward larger values; inside is negative for an SDF and 1 for occupancy.
        bool flip = model.Signal.Modality == "occupancy";
        float level = SurfaceLevel(model.Signal);
        if (flip)
            for (int i = 0; i < values.Length; i++) values[i] = 1f - values[i];
        var unit = MarchingTetrahedra.Extract(values, resolution, resolution, resolution, flip ? 1f - level : level,
            new Vector3(-1f + 1f / resolution), 2f / resolution);
        return original ? ToOriginal(unit, model.Signal) : unit;
    }

    public static TriangleMesh ToOriginal(TriangleMesh unit, SignalInfo signal)
    {
        if (signal.Frame is not { Length: 4 } f) return unit;
        var centre = new Vector3((float)f[0], (float)f[1], (float)f[2]);
        float scale = (float)f[3];
        return unit.Transformed(v => v / scale + centre);
    }
}
