using NeuralFields.Backends;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Shapes;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Rendering;

/// <summary>An image a field rendered, the backend that rendered it, and why another was not used (auto fell back).</summary>
public sealed record RenderedImage(ImageSignal Image, string Backend, string? Note);

/// <summary>
/// Pictures of a fitted field: an image field at any size (super-resolution by the field's own interpolation, a coarser
/// level of a progressive network), or a shaded preview of a 3D shape field.
/// </summary>
public static class FieldImages
{
    /// <summary>Previews are at most this many pixels.</summary>
    public const long MaxPreviewPixels = 16_000_000;

    public static bool IsShape(FieldModel model) => FieldGrid.IsShapeField(model.Signal);

    /// <summary>
    /// An image field on a width×height grid (default: the fitted size) at the source's bit depth and channels,
    /// at <paramref name="level"/> of a progressive network (null: the finest).
    /// </summary>
    public static RenderedImage Render(FieldModel model, int? width, int? height, int? level, AcceleratorChoice choice, long maxPixels = ImageFile.DefaultMaxPixels)
    {
        var signal = model.Signal;
        if (signal.Modality != "image")
            throw new NeuralFieldsException($"the checkpoint holds a {signal.Modality} field; only image fields render to images (3D fields give previews)");
        if (level is int requested && (requested < 1 || requested > model.Levels))
            throw new NeuralFieldsException(model.Levels == 1
                ? $"the model has one level of detail; --level must be 1, got {requested}"
                : $"--level must be between 1 and {model.Levels}, got {requested}");
        int w = width ?? signal.Dimensions[1], h = height ?? signal.Dimensions[0];
        if ((long)w * h > maxPixels)
            throw new NeuralFieldsException($"{w}x{h} is over the limit of {maxPixels:N0} pixels");
        // Straight into the integer samples, a chunk at a time: a 75-megapixel render holds no float copy of itself.
        var samples = new ushort[checked((long)w * h * signal.Channels)];
        int max = signal.MaxValue;
        var backend = FieldRendering.Stream(model, [h, w], choice, level, (first, values) =>
        {
            long at = first * signal.Channels;
            for (int i = 0; i < values.Length; i++) samples[at + i] = ImageSignal.Quantize(values[i], max);
        });
        return new RenderedImage(new ImageSignal(w, h, signal.Channels, signal.BitDepth, samples), backend.Name, backend.Note);
    }

    /// <summary>A shaded picture of a 3D shape field seen from the given angles (degrees), 512×512 by default.</summary>
    public static ImageSignal Preview(FieldModel model, int? width, int? height, double azimuth, double elevation)
    {
        if (!IsShape(model)) throw new NeuralFieldsException($"the checkpoint holds a {model.Signal.Modality} field, not a 3D shape");
        int w = width ?? 512, h = height ?? 512;
        if ((long)w * h > MaxPreviewPixels) throw new NeuralFieldsException($"{w}x{h} is too large for a 3D preview (16 megapixels at most)");
        return ShapePreview.Render(model, w, h, azimuth, elevation);
    }
}
