using System.Text.Json.Nodes;
using NeuralFields.Cli.Output;
using NeuralFields.Core.Metrics;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Image;
using NeuralFields.Signals.Volume;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Jobs;

/// <summary>
/// Fits a raw scalar volume like an image with one more axis: coordinates (x, y, z) at voxel
/// centres. Writes reconstruction.raw (+ .json sidecar, the source's type), the middle slice of
/// source and reconstruction as slice.png, metrics.json, curve.png and model.ckpt.
/// </summary>
internal static class VolumeFit
{
    public static double Run(string path, FieldConfig config, string configName, int? steps, double? targetPsnr, long seed,
        string outDir, ProgressDisplay? progress, CancellationToken cancel)
    {
        var volume = RawVolume.Load(path);
        using var staging = new StagingDirectory(outDir);
        using var scope = NewDisposeScope();
        var coordinates = tensor(SampleGrid.Coordinates(volume.Info.Dimensions)).reshape(-1, 3);
        var targets = tensor(volume.Values).reshape(-1, volume.Header.Channels);
        using var run = FitRun.Train(config, volume.Info, coordinates, targets, seed, steps, targetPsnr, progress, cancel);
        var values = run.Model.Predict(coordinates).contiguous().data<float>().ToArray();
        double psnr = Psnr.Compute(values.Select(v => Math.Clamp(v, 0f, 1f)).ToArray(), volume.Values);

        RawVolume.Save(staging.PathOf("reconstruction.raw"), volume, values);
        ImageFile.SavePng(staging.PathOf("slice.png"), MiddleSlices(volume, values));
        run.SaveCheckpointAndCurve(staging, $"{Path.GetFileName(path)}: {configName}");
        var h = volume.Header;
        var metrics = new JsonObject
        {
            ["volume"] = Path.GetFullPath(path),
            ["config"] = configName,
            ["width"] = h.Width, ["height"] = h.Height, ["depth"] = h.Depth, ["channels"] = h.Channels, ["type"] = h.Type,
            ["psnr"] = double.IsFinite(psnr) ? Math.Round(psnr, 4) : "inf",
            ["steps"] = run.Trainer.CompletedSteps,
            ["seconds"] = Math.Round(run.Trainer.Seconds, 3),
            ["samples_per_second"] = Math.Round(run.Outcome.SamplesPerSecond),
            ["parameters"] = run.Model.ParameterCount,
            ["seed"] = seed,
            ["model"] = JsonNode.Parse(ConfigJson.Serialize(run.Model.Config)),
        };
        AtomicFile.WriteAllText(staging.PathOf("metrics.json"), metrics.ToJsonString(ConfigJson.Options));
        staging.Commit();
        return psnr;
    }

    /// <summary>The middle z slice of the first channel: source on the left, reconstruction on the right.</summary>
    private static ImageSignal MiddleSlices(VolumeSignal volume, float[] reconstruction)
    {
        var h = volume.Header;
        int z = h.Depth / 2;
        var pixels = new float[2 * h.Width * h.Height];
        for (int y = 0; y < h.Height; y++)
            for (int x = 0; x < h.Width; x++)
            {
                long at = (((long)z * h.Height + y) * h.Width + x) * h.Channels;
                pixels[y * 2 * h.Width + x] = volume.Values[at];
                pixels[y * 2 * h.Width + h.Width + x] = reconstruction[at];
            }
        return ImageSignal.FromValues(pixels, 2 * h.Width, h.Height, 1, 8);
    }
}
