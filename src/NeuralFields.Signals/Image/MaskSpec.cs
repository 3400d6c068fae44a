using System.Globalization;
using NeuralFields.Schema;

namespace NeuralFields.Signals.Image;

/// <summary>
/// A recipe for a seeded synthetic inpainting mask, written <c>random[:KEEP]</c> (each pixel kept with
/// probability KEEP, default 0.5), <c>box[:SIDE]</c> (a centred hole SIDE of the width and height,
/// default 0.5) or <c>strokes[:COUNT]</c> (COUNT pen-like polyline strokes, default 6).
/// </summary>
public sealed record MaskSpec(string Kind, double Parameter)
{
    public const string Syntax = "random[:KEEP], box[:SIDE] or strokes[:COUNT]";

    /// <summary>The canonical text, e.g. random:0.5.</summary>
    public string Text => $"{Kind}:{Parameter.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A file-name-safe form of <see cref="Text"/>, e.g. random-0.5.</summary>
    public string Slug => $"{Kind}-{Parameter.ToString(CultureInfo.InvariantCulture)}";

    public static MaskSpec Parse(string text)
    {
        var parts = text.Trim().Split(':', 2);
        string kind = parts[0].ToLowerInvariant();
        double? value = null;
        if (parts.Length == 2)
        {
            if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new NeuralFieldsException($"mask '{text}': '{parts[1]}' is not a number");
            value = v;
        }
        return kind switch
        {
            "random" when value is null or (> 0 and < 1) => new MaskSpec(kind, value ?? 0.5),
            "random" => throw new NeuralFieldsException($"mask '{text}': the keep fraction must be in (0, 1)"),
            "box" when value is null or (> 0 and < 1) => new MaskSpec(kind, value ?? 0.5),
            "box" => throw new NeuralFieldsException($"mask '{text}': the box side must be a fraction in (0, 1)"),
            "strokes" when value is null || (value is >= 1 and <= 1000 && value == Math.Floor(value.Value)) => new MaskSpec(kind, value ?? 6),
            "strokes" => throw new NeuralFieldsException($"mask '{text}': the stroke count must be a whole number from 1 to 1000"),
            _ => throw new NeuralFieldsException($"unknown mask '{text}' (use {Syntax})"),
        };
    }

    /// <summary>The mask for a width×height image; the same seed gives the same mask.</summary>
    public PixelMask Generate(int width, int height, ulong seed)
    {
        var mask = Kind switch
        {
            "random" => SyntheticMasks.RandomPixels(width, height, Parameter, seed),
            "box" => SyntheticMasks.CentredBox(width, height, Parameter),
            _ => SyntheticMasks.Strokes(width, height, (int)Parameter, seed),
        };
        if (mask.KnownCount == 0)
            throw new NeuralFieldsException($"mask {Text} hides every pixel of a {width}x{height} image");
        return mask;
    }
}
