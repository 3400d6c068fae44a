using NeuralFields.Codec.Latent;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Codec.Compression;

/// <summary>
/// One image, clip or volume to compress with the latent-grid codec, checked and loaded: <see cref="Plan"/> refuses a bad source,
/// output or option before any training; <see cref="Run"/> trains (once, or as the rate control's search) and writes
/// the file whole.
/// </summary>
public sealed class LatentFileJob
{
    public const string DefaultPreset = "latent";

    /// <summary>Signals below this many pixels (frames, voxels) get <c>latent-fast</c> by default: its networks cost about half the bytes.</summary>
    public const long SmallSignalPoints = 128 * 128;

    private readonly LoadedSignal _signal;

    private LatentFileJob(string source, string target, LoadedSignal signal, LatentOptions options, double? targetBpp)
    {
        Source = source;
        Target = target;
        _signal = signal;
        Options = options;
        TargetBpp = targetBpp;
    }

    public string Source { get; }

    public string Target { get; }

    public LatentOptions Options { get; }

    /// <summary>The --bpp target, when the rate control searches λ.</summary>
    public double? TargetBpp { get; }

    /// <param name="config">The model; null picks <see cref="DefaultPreset"/>, or <c>latent-fast</c> for small images.</param>
    public static LatentFileJob Plan(string source, string target, FieldConfig? config, LatentRateChoice rate, int? steps, long seed, LoadOptions load)
    {
        (var modality, target) = FileCompression.Prepare(source, target);     // checked before any work
        // Grids have 1 to 3 axes: images, audio and volumes; a mesh's signed-distance field has its own codec path.
        if (modality.Name == "shape")
            throw new NeuralFieldsException($"{source}: the latent-grid codec compresses images, audio and volumes; use a coordinate preset (e.g. --preset {modality.DefaultPreset}) for meshes");
        var signal = modality.Load(source, load);
        config ??= Core.Models.Presets.Load(signal.Info.SampleCount < SmallSignalPoints ? "latent-fast" : DefaultPreset);
        var options = new LatentOptions(config) { Lambda = rate.ResolveLambda(), Steps = steps, TimeBudget = rate.Time, Seed = seed };
        options.Validate();
        options = options with { Batching = LatentMemory.Plan(config, signal.Info, load.MemoryBudget) };
        return new LatentFileJob(source, target, signal, options, rate.Bpp);
    }

    /// <param name="observerForFit">Progress of fit i (the rate control makes several; a plain λ or quality one).</param>
    public CompressionResult Run(Func<int, ITrainingObserver?>? observerForFit = null, CancellationToken cancel = default)
    {
        Core.Runtime.Torch.EnsureLoaded();
        var result = TargetBpp is double bpp
            ? LatentRateControl.Compress(_signal.Info, _signal.Samples, Options, bpp, _signal.Attributes, observerForFit, cancel)
            : LatentCompressor.Compress(_signal.Info, _signal.Samples, Options, _signal.Attributes, observerForFit?.Invoke(0), cancel);
        try
        {
            AtomicFile.Write(Target, stream => stream.Write(result.File));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OutputPath.CannotWrite(Target, e);
        }
        return result;
    }
}
