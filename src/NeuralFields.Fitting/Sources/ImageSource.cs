using System.Globalization;
using System.Text.Json.Nodes;
using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Output;
using NeuralFields.Fitting.Rendering;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Image;
using static NeuralFields.Fitting.Output.MetricsJson;
using NeuralFields.Core.Training.Samples;

namespace NeuralFields.Fitting.Sources;

/// <summary>An image: coordinates (x, y) at pixel centres, one value per channel, reconstructed at its own size and bit depth.</summary>
public sealed class ImageSource(ImageSignal image, string origin) : FitSource
{
    public ImageSignal Image => image;

    public override SignalInfo Info => image.Info;

    public override string Origin => origin;

    public override string OriginKey => "image";

    public override void Check(FieldConfig config, FitOptions options)
    {
        RequireBitPlanesWhenLossless(config, options);
        FieldRendering.Check(config, options.Accelerator);
    }

    /// <summary>--lossless trains until every bit is right, which only a bit-plane head reports.</summary>
    internal static void RequireBitPlanesWhenLossless(FieldConfig config, FitOptions options)
    {
        if (options.Lossless && config.Head is not (BitPlaneHeadConfig or BitPlaneCoordinateHeadConfig))
            throw new NeuralFieldsException($"--lossless needs a bit-plane head (bitplane or bitplane_coordinate), not '{ComponentRegistry.Describe(config.Head).Name}'");
    }

    public override long SampleBytes => image.Samples.LongLength * (image.BitDepth <= 8 ? 1 : 4);

    /// <summary>The rendered integer samples, twice over for the garbage collector's slack.</summary>
    public override long ReconstructionBytes => 4L * image.Samples.LongLength;

    public override ITrainingSamples TrainingSamples(long seed) => GridSamples.FromIntegers(Info.Dimensions, image.Channels, image.BitDepth, image.Samples);

    public override bool ReconstructionMeasuresTrainingSamples => true;

    public override Reconstruction Reconstruct(FieldModel model, FitOptions options)
    {
        // Rendered a chunk at a time straight into the integer samples; the float values meet the source only there.
        var samples = new ushort[image.Samples.Length];
        float scale = 1f / image.MaxValue;
        var beforeRounding = new SquaredErrors();
        var backend = FieldRendering.Stream(model, Info.Dimensions, options.Accelerator, null, (first, values) =>
        {
            long at = first * image.Channels;
            for (int i = 0; i < values.Length; i++)
            {
                samples[at + i] = ImageSignal.Quantize(values[i], image.MaxValue);
                beforeRounding.Add(values[i], image.Samples[at + i] * scale);
            }
        });
        var decoded = new ImageSignal(image.Width, image.Height, image.Channels, image.BitDepth, samples);
        return new ImageReconstruction(decoded, Psnr.Compute(samples, image.Samples, scale),
            Ssim.Compute(samples, image.Samples, image.Height, image.Width, image.Channels, scale), beforeRounding.Psnr,
            Exactness.Of<ushort>(image.Samples, samples, image.BitDepth), backend);
    }
}

/// <summary>The fitted image at the source's size, bit depth and channels, with PSNR and SSIM of those samples.</summary>
public sealed class ImageReconstruction(ImageSignal image, double psnr, double ssim, double psnrFloat, Exactness exactness, RenderBackend rendered)
    : Reconstruction
{
    public ImageSignal Image => image;

    public override double? Psnr => psnr;

    /// <summary>SSIM of the written (8/16-bit) reconstruction.</summary>
    public double Ssim => ssim;

    /// <summary>PSNR of the field's values before they are rounded to the bit depth.</summary>
    public double PsnrFloat => psnrFloat;

    public override double? FieldPsnr => psnrFloat;

    public override Exactness Exactness => exactness;

    /// <summary>Where the reconstruction was rendered, and a note when the requested backend was not used.</summary>
    public RenderBackend Rendering => rendered;

    public override string Summary =>
        string.Create(CultureInfo.InvariantCulture, $"PSNR {(double.IsPositiveInfinity(psnr) ? "inf" : psnr.ToString("F2", CultureInfo.InvariantCulture))} dB, SSIM {ssim:F4}");

    public override void AddMetrics(JsonObject metrics)
    {
        metrics["width"] = image.Width;
        metrics["height"] = image.Height;
        metrics["channels"] = image.Channels;
        metrics["bit_depth"] = image.BitDepth;
        metrics["psnr"] = Finite(psnr);
        metrics["ssim"] = Math.Round(ssim, 6);
        metrics["psnr_float"] = Finite(psnrFloat);
    }

    public override void Save(StagingDirectory staging, FitResult result) => ImageFile.SavePng(staging.PathOf("reconstruction.png"), image);
}
