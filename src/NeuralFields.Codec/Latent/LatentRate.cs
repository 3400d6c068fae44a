using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training.Steps;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Latent;

/// <summary>
/// The rate term of rate-distortion training: λ · (bits the entropy model gives the latents) / pixels, so the loss is
/// MSE + λ·bpp as in Cool-chic. The bits of the last step are kept for progress and rate control. With a
/// <paramref name="bandFraction"/> below 1 each step estimates the bits from a random band of rows per level
/// (<see cref="LatentGridEncoding.BandBits"/>, drawn from <paramref name="seed"/>), as a mini-batch estimates the distortion.
/// </summary>
public sealed class LatentRate(double lambda, long gridPoints, double bandFraction = 1, long seed = 0) : ILossTerm
{
    private readonly Random _bands = new(unchecked((int)seed));

    public double Lambda { get; } = lambda;

    /// <summary>The latents' bits per grid point at the last step (noisy or rounded, as that step trained them; an estimate when banded).</summary>
    public double LastBitsPerPoint { get; private set; } = double.NaN;

    public Tensor Compute(FieldModel model)
    {
        var encoding = (LatentGridEncoding)model.Encoding;
        var bits = bandFraction >= 1 ? encoding.Bits(encoding.Grids()) : encoding.BandBits(encoding.Grids(), bandFraction, _bands);
        LastBitsPerPoint = bits.item<float>() / gridPoints;
        return bits * (Lambda / gridPoints);
    }
}

/// <summary>
/// The latent schedule: additive noise first, straight-through rounding for the last <paramref name="straightFraction"/>
/// of the run (of its steps, or of its time budget), and one noise draw per step shared by distortion and rate.
/// </summary>
public sealed class LatentSchedule(LatentGridEncoding encoding, int steps, double? timeBudget, double straightFraction, (double From, double To)? sharpness = null) : IStepHook
{
    private readonly System.Diagnostics.Stopwatch _clock = new();

    public void BeforeCompute(int stepIndex)
    {
        if (!_clock.IsRunning) _clock.Start();
        // How far the run is: by steps, or by its time budget when that ends first.
        double progress = stepIndex / (double)steps;
        if (timeBudget is double budget) progress = Math.Max(progress, _clock.Elapsed.TotalSeconds / budget);
        bool late = progress >= 1 - straightFraction;
        encoding.Rounding = late ? Core.Encodings.LatentRounding.StraightThrough : Core.Encodings.LatentRounding.Noise;
        // Soft rounding sharpens geometrically over the noise phase.
        if (sharpness is var (from, to))
            encoding.Sharpness = from * Math.Pow(to / from, Math.Clamp(progress / (1 - straightFraction), 0, 1));
        encoding.BeginStep();
    }

    public void AfterCompute(int stepIndex, double loss) => encoding.EndStep();

    public void AfterRun() => encoding.EndStep();
}
