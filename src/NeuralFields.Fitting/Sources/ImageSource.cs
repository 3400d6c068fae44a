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

    public override ITrainingSamples TrainingSamples(long seed) => GridSamples.FromIntegers(Info.Dimensions, image.Channels, image.BitDepth, image.Samples);

    public override Reconstruction Reconstruct(FieldModel model, FitOptions options)
    {
        var rendered = FieldRendering.Grid(model, Info.Dimensions, options.Accelerator);
        var decoded = ImageSignal.FromValues(rendered.Values, image.Width, image.Height, image.Channels, image.BitDepth);
        var source = image.Values();
        var quantised = decoded.Values();
        return new ImageReconstruction(decoded, Psnr.Compute(quantised, source),
            Ssim.Compute(quantised, source, image.Height, image.Width, image.Channels), Psnr.Compute(rendered.Values, source),
            Exactness.Of<ushort>(image.Samples, decoded.Samples, image.BitDepth), rendered);
    }
}

/// <summary>The fitted image at the source's size, bit depth and channels, with PSNR and SSIM of those samples.</summary>
public sealed class ImageReconstruction(ImageSignal image, double psnr, double ssim, double psnrFloat, Exactness exactness, RenderedGrid rendered)
    : Reconstruction
{
    public ImageSignal Image => image;

    public override double? Psnr => psnr;

    /// <summary>SSIM of the written (8/16-bit) reconstruction.</summary>
    public double Ssim => ssim;

    /// <summary>PSNR of the field's values before they are rounded to the bit depth.</summary>
    public double PsnrFloat => psnrFloat;

    public override Exactness Exactness => exactness;

    /// <summary>Where the reconstruction was rendered, and a note when the requested backend was not used.</summary>
    public RenderedGrid Rendering => rendered;

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
