using NeuralFields.Schema;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// How a user asks for a latent-grid file's size: at most one of λ, a quality (1-100, <see cref="LatentOptions.LambdaForQuality"/>)
/// and a target bits per pixel (found by <see cref="LatentRateControl"/>); the time budget goes with any of them.
/// </summary>
public sealed record LatentRateChoice(double? Lambda = null, int? Quality = null, double? Bpp = null, double? Time = null)
{
    public const int DefaultQuality = 60;

    /// <summary>The options apply to the latent-grid codec only: refuse them for any other model.</summary>
    public void RequireNone()
    {
        if (Lambda is not null || Quality is not null || Bpp is not null || Time is not null)
            throw new NeuralFieldsException("--lambda, --quality, --bpp and --time apply to the latent-grid codec (lossy images with the default or a latent preset)");
    }

    /// <summary>λ of the (first) fit: the one given, or the quality's (default <see cref="DefaultQuality"/>).</summary>
    public double ResolveLambda()
    {
        if (new object?[] { Lambda, Quality, Bpp }.Count(v => v is not null) > 1)
            throw new NeuralFieldsException("give one of --lambda, --quality and --bpp");
        return Lambda ?? LatentOptions.LambdaForQuality(Quality ?? DefaultQuality);
    }
}
