using System.Globalization;
using System.Text.Json.Nodes;
using NeuralFields.Backends;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Output;
using NeuralFields.Fitting.Shapes;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Image;
using NeuralFields.Signals.Mesh;
using NeuralFields.Core.Training.Samples;
using static TorchSharp.torch;

namespace NeuralFields.Fitting.Sources;

/// <summary>
/// A mesh (PLY/OBJ) moved into the unit cube, as a signed-distance or occupancy field: trained on points near the
/// surface and uniform in the cube, then extracted on an R³ grid and measured (IoU of the inside, Chamfer distance).
/// </summary>
public sealed class ShapeSource : FitSource
{
    /// <summary>Points on each surface for the Chamfer distance.</summary>
    public const int ChamferPoints = 20000;

    private readonly TriangleMesh _mesh, _unit;
    private readonly MeshQuery _query;
    private readonly double _scale;

    /// <param name="samples">Training points (half near the surface, half uniform).</param>
    /// <param name="resolution">Grid of the extracted surface (IoU on min(R, 64)³, the preview 4R pixels).</param>
    public ShapeSource(TriangleMesh mesh, string origin, FieldKind kind, int samples, int resolution)
    {
        if (samples < 1000) throw new NeuralFieldsException("--samples must be at least 1000");
        if (resolution is < 8 or > 512) throw new NeuralFieldsException("--resolution must be between 8 and 512");
        (_mesh, Origin, Kind, Samples, Resolution) = (mesh, origin, kind, samples, resolution);
        var (centre, scale) = mesh.UnitFrame();
        _scale = scale;
        _unit = mesh.Transformed(v => (v - centre) * scale);
        _query = new MeshQuery(_unit);
        Info = new SignalInfo(kind == FieldKind.Sdf ? "sdf" : "occupancy", [resolution, resolution, resolution], 1, 32)
        {
            FloatingPoint = true,
            Frame = [centre.X, centre.Y, centre.Z, scale],
        };
    }

    public FieldKind Kind { get; }

    public int Samples { get; }

    public int Resolution { get; }

    public override SignalInfo Info { get; }

    public override string Origin { get; }

    public override string OriginKey => "mesh";

    public override void Check(FieldConfig config, FitOptions options)
    {
        RefuseImageOptions(options, "meshes");
        if (Kind == FieldKind.Sdf && config.Head is not LinearHeadConfig { Centered: false })
            throw new NeuralFieldsException($"an SDF needs a linear head with \"centered\": false (the distance itself); {options.ConfigName} has another");
    }

    /// <summary>Exact fits and resumes are for images and clips; the accelerator renders images.</summary>
    internal static void RefuseImageOptions(FitOptions options, string what)
    {
        if (options.Lossless) throw new NeuralFieldsException($"--lossless applies to images and integer PCM WAV clips, not to {what}");
        if (options.Resume is not null) throw new NeuralFieldsException("--resume applies to images");
        if (options.Accelerator is AcceleratorChoice.Cuda or AcceleratorChoice.Cpu) throw new NeuralFieldsException("--accelerator applies to images");
    }

    public override long TrainingSampleCount => Samples;

    /// <summary>The training points and distances, and the mesh held to measure against: its two copies and its BVH (about 64 B a triangle).</summary>
    public override long SampleBytes => 16L * Samples + 64L * _mesh.TriangleCount;

    /// <summary>The surface grid's values (twice over for the garbage collector's slack) and the preview's pixels.</summary>
    public override long ReconstructionBytes => 8L * Resolution * Resolution * Resolution + 64L * (4 * Resolution) * (4 * Resolution);

    public override ITrainingSamples TrainingSamples(long seed)
    {
        var (points, values) = FieldSamples.Draw(_query, _unit, Kind, Samples, unchecked((int)seed));
        return new TensorSamples(tensor(points).reshape(-1, 3), tensor(values).reshape(-1, 1));
    }

    public override Reconstruction Reconstruct(FieldModel model, FitOptions options)
    {
        var surface = FieldGrid.ExtractSurface(model, Resolution, original: false);
        int iouResolution = Math.Min(Resolution, 64);
        double iou = ShapeMetrics.Iou(model, _query, iouResolution);
        double chamfer = ShapeMetrics.Chamfer(surface, _unit, ChamferPoints, unchecked((int)options.Seed)) / _scale;
        var (min, max) = _mesh.Bounds();
        return new ShapeReconstruction(this, FieldGrid.ToOriginal(surface, Info), iou, iouResolution, chamfer, (max - min).Length());
    }
}

/// <summary>The fitted field's surface in the mesh's own coordinates, with IoU of the inside and the Chamfer distance to the source.</summary>
public sealed class ShapeReconstruction(ShapeSource source, TriangleMesh surface, double iou, int iouResolution, double chamfer, double diagonal)
    : Reconstruction
{
    public TriangleMesh Surface => surface;

    public double Iou => iou;

    /// <summary>Symmetric mean surface distance, in mesh units.</summary>
    public double Chamfer => chamfer;

    public override double? Psnr => null;

    public override string CurveLabel => "−10·log10(MSE) (dB)";

    public override string Summary => string.Create(CultureInfo.InvariantCulture, $"{source.Kind.ToString().ToLowerInvariant()} IoU {iou:F4}, Chamfer {chamfer:G4}");

    public override void AddMetrics(JsonObject metrics)
    {
        metrics["field"] = source.Info.Modality;
        metrics["training_samples"] = source.Samples;
        metrics["iou"] = Math.Round(iou, 5);
        metrics["iou_resolution"] = iouResolution;
        metrics["chamfer"] = double.IsFinite(chamfer) ? chamfer : null;
        metrics["chamfer_note"] = "symmetric mean surface distance, mesh units";
        metrics["mesh_bounding_box_diagonal"] = Math.Round(diagonal, 6);
        metrics["surface_triangles"] = surface.TriangleCount;
        metrics["extraction_resolution"] = source.Resolution;
    }

    public override void Save(StagingDirectory staging, FitResult result)
    {
        MeshFile.Save(staging.PathOf("surface.ply"), surface);
        int previewSize = Math.Min(512, 4 * source.Resolution);
        ImageFile.SavePng(staging.PathOf("preview.png"), ShapePreview.Render(result.Model, previewSize, previewSize, 30, 20));
    }
}
