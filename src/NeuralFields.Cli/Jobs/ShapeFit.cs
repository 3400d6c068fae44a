using System.Text.Json.Nodes;
using NeuralFields.Cli.Fields;
using NeuralFields.Cli.Output;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Image;
using NeuralFields.Signals.Mesh;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Jobs;

/// <summary>What fitting a mesh's field gave.</summary>
internal sealed record ShapeFitResult(double Iou, double Chamfer, int Steps, double Seconds, long Parameters, int Triangles);

/// <summary>
/// Fits a signed-distance or occupancy field to a mesh (PLY/OBJ) moved into the unit cube, then
/// extracts its surface on an R³ grid and measures it: writes surface.ply, preview.png (4R pixels,
/// at most 512), metrics.json (IoU on a min(R, 64)³ grid, Chamfer), curve.png and model.ckpt.
/// </summary>
internal static class ShapeFit
{
    public const int ChamferPoints = 20000;

    public static ShapeFitResult Run(string path, FieldKind kind, FieldConfig config, string configName, int? steps, long seed,
        int samples, int resolution, string outDir, ProgressDisplay? progress, CancellationToken cancel)
    {
        var mesh = MeshFile.Load(path);
        if (kind == FieldKind.Sdf && config.Head is not Schema.Components.LinearHeadConfig { Centered: false })
            throw new NeuralFieldsException($"an SDF needs a linear head with \"centered\": false (the distance itself); {configName} has another");
        var (centre, scale) = mesh.UnitFrame();
        var unit = mesh.Transformed(v => (v - centre) * scale);
        var query = new MeshQuery(unit);
        var (points, values) = FieldSamples.Draw(query, unit, kind, samples, unchecked((int)seed));

        using var staging = new StagingDirectory(outDir);
        using var scope = NewDisposeScope();
        var signal = new SignalInfo(kind == FieldKind.Sdf ? "sdf" : "occupancy", [resolution, resolution, resolution], 1, 32)
        {
            FloatingPoint = true,
            Frame = [centre.X, centre.Y, centre.Z, scale],
        };
        using var run = FitRun.Train(config, signal, tensor(points).reshape(-1, 3), tensor(values).reshape(-1, 1), seed, steps, null, progress, cancel);

        var surface = FieldGrid.ExtractSurface(run.Model, resolution, original: false);
        int iouResolution = Math.Min(resolution, 64);
        double iou = ShapeMetrics.Iou(run.Model, query, iouResolution);
        double chamfer = ShapeMetrics.Chamfer(surface, unit, ChamferPoints, unchecked((int)seed)) / scale;
        var result = new ShapeFitResult(iou, chamfer, run.Trainer.CompletedSteps, run.Trainer.Seconds, run.Model.ParameterCount, surface.TriangleCount);

        MeshFile.Save(staging.PathOf("surface.ply"), FieldGrid.ToOriginal(surface, signal));
        int previewSize = Math.Min(512, 4 * resolution);
        ImageFile.SavePng(staging.PathOf("preview.png"), ShapePreview.Render(run.Model, previewSize, previewSize, 30, 20));
        run.SaveCheckpointAndCurve(staging, $"{Path.GetFileName(path)}: {configName}", "−10·log10(MSE) (dB)");
        var metrics = new JsonObject
        {
            ["mesh"] = Path.GetFullPath(path),
            ["field"] = signal.Modality,
            ["config"] = configName,
            ["training_samples"] = samples,
            ["iou"] = Math.Round(iou, 5),
            ["iou_resolution"] = iouResolution,
            ["chamfer"] = double.IsFinite(chamfer) ? chamfer : null,
            ["chamfer_note"] = "symmetric mean surface distance, mesh units",
            ["mesh_bounding_box_diagonal"] = Math.Round((mesh.Bounds().Max - mesh.Bounds().Min).Length(), 6),
            ["surface_triangles"] = surface.TriangleCount,
            ["extraction_resolution"] = resolution,
            ["steps"] = result.Steps,
            ["seconds"] = Math.Round(result.Seconds, 3),
            ["samples_per_second"] = Math.Round(run.Outcome.SamplesPerSecond),
            ["parameters"] = result.Parameters,
            ["seed"] = seed,
            ["model"] = JsonNode.Parse(ConfigJson.Serialize(run.Model.Config)),
        };
        AtomicFile.WriteAllText(staging.PathOf("metrics.json"), metrics.ToJsonString(ConfigJson.Options));
        staging.Commit();
        return result;
    }
}
