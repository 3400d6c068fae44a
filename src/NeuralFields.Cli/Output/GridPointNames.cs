namespace NeuralFields.Cli.Output;

/// <summary>What one grid point of a signal is called in printed rates and costs: a pixel, a frame, or a point.</summary>
internal static class GridPointNames
{
    public static string Point(string modality) => modality switch { "image" => "pixel", "audio" => "frame", _ => "point" };

    /// <summary>The short rate unit: bpp for images, bits/frame for clips, bits/point otherwise.</summary>
    public static string RateUnit(string modality) => modality == "image" ? "bpp" : $"bits/{Point(modality)}";
}
