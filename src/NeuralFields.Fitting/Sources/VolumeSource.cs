using System.Globalization;
using System.Text.Json.Nodes;
using NeuralFields.Backends;
using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Rendering;
using NeuralFields.Fitting.Output;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;
using NeuralFields.Signals.Volume;
using static NeuralFields.Fitting.Output.MetricsJson;
using NeuralFields.Core.Training.Samples;

namespace NeuralFields.Fitting.Sources;

/// <summary>A raw scalar volume, fitted like an image with one more axis: coordinates (x, y, z) at voxel centres.</summary>
public sealed class VolumeSource(VolumeSignal volume, string origin) : FitSource
{
    public VolumeSignal Volume => volume;

    public override SignalInfo Info => volume.Info;

    public override string Origin => origin;

    public override string OriginKey => "volume";

    public override IEnumerable<string> Inputs => [origin, RawVolume.SidecarOf(origin)];

    public override void Check(FieldConfig config, FitOptions options) => ShapeSource.RefuseImageOptions(options, "volumes");

    public override long SampleBytes => 4L * volume.Values.LongLength;

    /// <summary>The float values the output is written from, twice over for the garbage collector's slack.</summary>
    public override long ReconstructionBytes => 8L * volume.Values.LongLength;

    public override ITrainingSamples TrainingSamples(long seed) => GridSamples.FromValues(Info.Dimensions, volume.Header.Channels, volume.Values);

    public override bool ReconstructionMeasuresTrainingSamples => true;

    public override Reconstruction Reconstruct(FieldModel model, FitOptions options)
    {
        // Rendered a chunk at a time into the one float copy the output needs (no grid of coordinates, no second copy).
        var values = new float[volume.Values.Length];
        var clamped = new SquaredErrors();
        var field = new SquaredErrors();
        FieldRendering.Stream(model, Info.Dimensions, AcceleratorChoice.Torch, null, (first, chunk) =>
        {
            long at = first * volume.Header.Channels;
            chunk.CopyTo(values, at);
            for (int i = 0; i < chunk.Length; i++)
            {
                float target = volume.Values[at + i];
                field.Add(chunk[i], target);
                clamped.Add(Math.Clamp(chunk[i], 0f, 1f), target);
            }
        });
        return new VolumeReconstruction(volume, values, clamped.Psnr, field.Psnr);
    }
}

/// <summary>The fitted volume in the source's sample type, and its middle slice beside the source's.</summary>
public sealed class VolumeReconstruction(VolumeSignal source, float[] values, double psnr, double fieldPsnr) : Reconstruction
{
    /// <summary>Values in [0,1] (unclamped), [depth, height, width, channels].</summary>
    public float[] Values => values;

    /// <summary>Of the values clamped to [0,1], as the written volume holds them.</summary>
    public override double? Psnr => psnr;

    public override double? FieldPsnr => fieldPsnr;

    public override string Summary => string.Create(CultureInfo.InvariantCulture, $"PSNR {psnr:F2} dB");

    public override void AddMetrics(JsonObject metrics)
    {
        var h = source.Header;
        metrics["width"] = h.Width;
        metrics["height"] = h.Height;
        metrics["depth"] = h.Depth;
        metrics["channels"] = h.Channels;
        metrics["type"] = h.Type;
        metrics["psnr"] = Finite(psnr);
    }

    public override void Save(StagingDirectory staging, FitResult result)
    {
        RawVolume.Save(staging.PathOf("reconstruction.raw"), source, values);
        ImageFile.SavePng(staging.PathOf("slice.png"), MiddleSlices());
    }

    /// <summary>The middle z slice of the first channel: source on the left, reconstruction on the right.</summary>
    private ImageSignal MiddleSlices()
    {
        var h = source.Header;
        int z = h.Depth / 2;
        var pixels = new float[2 * h.Width * h.Height];
        for (int y = 0; y < h.Height; y++)
            for (int x = 0; x < h.Width; x++)
            {
                long at = (((long)z * h.Height + y) * h.Width + x) * h.Channels;
                pixels[y * 2 * h.Width + x] = source.Values[at];
                pixels[y * 2 * h.Width + h.Width + x] = values[at];
            }
        return ImageSignal.FromValues(pixels, 2 * h.Width, h.Height, 1, 8);
    }
}
