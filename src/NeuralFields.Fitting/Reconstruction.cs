using System.Text.Json.Nodes;
using NeuralFields.Fitting.Output;

namespace NeuralFields.Fitting;

/// <summary>A fitted field turned back into its signal and measured against the source; each modality has its own.</summary>
public abstract class Reconstruction
{
    /// <summary>PSNR (data range 1) of the reconstruction against the source, where one is defined (not for shapes).</summary>
    public abstract double? Psnr { get; }

    /// <summary>
    /// PSNR of the field's own values (before rounding or clamping) against the training targets on every sample: what the
    /// training curve measures. Null where the reconstruction does not evaluate the training samples (shapes).
    /// </summary>
    public virtual double? FieldPsnr => null;

    /// <summary>Whether every integer sample came back exactly (signals of integer samples), else null.</summary>
    public virtual Exactness? Exactness => null;

    /// <summary>One line of what was measured ("PSNR 31.94 dB, SSIM 0.9210").</summary>
    public abstract string Summary { get; }

    /// <summary>What the training curve's values are, for its plot's axis.</summary>
    public virtual string CurveLabel => "PSNR (dB)";

    /// <summary>The modality's own entries of metrics.json, after the common ones.</summary>
    public abstract void AddMetrics(JsonObject metrics);

    /// <summary>Writes the reconstruction (reconstruction.png, .wav, surface.ply, ...) and its own pictures into the staging folder.</summary>
    public abstract void Save(StagingDirectory staging, FitResult result);
}

/// <summary>The decoded integer samples against the source's: how many differ, and the bit error rate per plane (index i = bit i).</summary>
public sealed record Exactness(long WrongSamples, long Samples, IReadOnlyList<double> BitErrorRate)
{
    public bool Exact => WrongSamples == 0;

    /// <summary>Compares samples one by one, whatever the loss said.</summary>
    public static Exactness Of<T>(ReadOnlySpan<T> source, ReadOnlySpan<T> decoded, int bitDepth) where T : System.Numerics.IBinaryInteger<T>
    {
        var errors = new long[bitDepth];
        long wrong = 0;
        for (int i = 0; i < source.Length; i++)
        {
            long differing = long.CreateTruncating(source[i] ^ decoded[i]);
            if (differing == 0) continue;
            wrong++;
            for (int bit = 0; bit < bitDepth; bit++)
                errors[bit] += (differing >> bit) & 1;
        }
        double samples = source.Length;
        return new Exactness(wrong, source.Length, errors.Select(e => e / samples).ToArray());
    }
}
