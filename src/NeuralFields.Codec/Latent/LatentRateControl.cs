using NeuralFields.Codec.Compression;
using NeuralFields.Core.Training;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// Finds λ for a target size: fits at a λ, measures the file's bpp, and moves λ by a secant on log bpp against
/// log λ (the first move assumes bpp ∝ λ^−0.5), until a file lands within <see cref="Tolerance"/> of the target or
/// <see cref="MaxFits"/> fits are done; the closest file is kept. Each fit is deterministic, so the search is too.
/// </summary>
public static class LatentRateControl
{
    public const double Tolerance = 0.07;
    public const int MaxFits = 6;
    private const double AssumedSlope = -0.5;

    /// <summary>A fit reports the λ it trains at through <paramref name="onFit"/> (fit number, λ) before it starts.</summary>
    public static CompressionResult Compress(SignalInfo signal, ushort[] samples, LatentOptions options, double targetBpp,
        IReadOnlyDictionary<string, string>? attributes = null, Func<int, ITrainingObserver?>? observerForFit = null, CancellationToken cancel = default)
    {
        if (!(targetBpp > 0 && targetBpp <= 64)) throw new NeuralFieldsException($"--bpp must be a positive number of bits per pixel up to 64, got {targetBpp}");
        var points = new List<(double LogLambda, double LogBpp, CompressionResult Result)>();
        double logLambda = Math.Log(options.Lambda), logTarget = Math.Log(targetBpp);
        for (int fit = 0; fit < MaxFits; fit++)
        {
            var result = LatentCompressor.Compress(signal, samples, options with { Lambda = Math.Exp(logLambda) }, attributes, observerForFit?.Invoke(fit), cancel);
            double logBpp = Math.Log(result.BitsPerGridPoint);
            points.Add((logLambda, logBpp, result));
            if (Math.Abs(result.BitsPerGridPoint / targetBpp - 1) <= Tolerance) break;
            double slope = AssumedSlope;
            if (points.Count >= 2)
            {
                var (a, b) = (points[^2], points[^1]);
                if (a.LogLambda != b.LogLambda) slope = Math.Clamp((b.LogBpp - a.LogBpp) / (b.LogLambda - a.LogLambda), -2, -0.1);
            }
            // Larger λ, fewer bits: step along the slope, at most a factor e^3 at a time.
            logLambda += Math.Clamp((logTarget - logBpp) / slope, -3, 3);
        }
        return points.MinBy(p => Math.Abs(p.LogBpp - logTarget)).Result;
    }
}
