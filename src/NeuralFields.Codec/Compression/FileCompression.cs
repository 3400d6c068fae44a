using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Codec.Predictive;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Mesh;
using NeuralFields.Signals.Volume;

namespace NeuralFields.Codec.Compression;

/// <summary>A decoded neural file: the signal, whether it is exact, the file's format version and size.</summary>
public sealed record DecompressionResult(DecodedSignal Signal, bool Lossless, int FormatVersion, long FileBytes);

/// <summary>A neural file written from a source file, and (meshes) the decoded surface it was verified by.</summary>
public sealed record FileCompressionResult(CompressionResult Compression, TriangleMesh? Surface);

/// <summary>
/// Source file to neural file and back, the way `nf compress` and `nf decompress` do it: the output is
/// checked before any work (never one of the inputs, a folder or an unwritable place), and written whole only
/// once everything about it verified (for meshes: the decoded field has a surface).
/// </summary>
public static class FileCompression
{
    /// <summary>
    /// Compresses <paramref name="source"/> into <paramref name="target"/>. Without <paramref name="modelChosen"/>
    /// the file gets its modality's default preset instead of <paramref name="options"/>' config.
    /// </summary>
    public static FileCompressionResult Compress(string source, string target, CompressionOptions options, bool modelChosen, LoadOptions load,
        ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var (modality, _) = Prepare(source, target);
        var signal = modality.Load(source, load);
        if (!modelChosen)
        {
            options = options with { Config = Core.Models.Presets.Load(modality.DefaultPreset) };
            options.Validate();
        }
        RequireMemory(options.Config, signal.Info, load.MemoryBudget);
        if (options.Lossless && !signal.Exact)
            throw new NeuralFieldsException($"{source}: --lossless needs integer samples of at most 16 bits; this file is {signal.Description}");
        Core.Runtime.Torch.EnsureLoaded();
        var result = FieldCompressor.Compress(signal.Info, signal.Samples, options, signal.Attributes, observer, cancel);
        // A shape file is only useful when its field has a surface to extract: verify before writing.
        var surface = modality is ShapeModality ? ShapeModality.Surface(result.Decoded) : null;
        AtomicFile.Write(target, stream => stream.Write(result.File));
        return new FileCompressionResult(result, surface);
    }

    /// <summary>
    /// True when `nf compress --lossless` without a model choice makes a predictive file (format 4): images and audio.
    /// Other modalities, and any chosen preset or config, keep the coordinate network and its residual.
    /// </summary>
    public static bool UsesPredictive(string source, CompressionOptions options, bool modelChosen) =>
        options.Lossless && !modelChosen && !Directory.Exists(source) && ModalityRegistry.ForSource(source).Name is "image" or "audio";

    /// <summary>Compresses <paramref name="source"/> into a predictive lossless file (format 4) at <paramref name="target"/>.</summary>
    public static PredictiveResult CompressPredictive(string source, string target, PredictiveOptions options, LoadOptions load, CancellationToken cancel = default)
    {
        var (modality, _) = Prepare(source, target);
        var signal = modality.Load(source, load);
        if (!signal.Exact)
            throw new NeuralFieldsException($"{source}: --lossless needs integer samples of at most 16 bits; this file is {signal.Description}");
        var result = PredictiveCompressor.Compress(signal.Info, signal.Samples, options, signal.Attributes, cancel);
        AtomicFile.Write(target, stream => stream.Write(result.File));
        return result;
    }

    /// <summary>
    /// Decodes the neural file <paramref name="path"/> and writes the signal to <paramref name="target"/> in its
    /// native form (the parent folder is created; the file itself, a folder or an unwritable place are refused).
    /// </summary>
    public static DecompressionResult Decompress(string path, string target, DecodeLimits limits)
    {
        OutputPath.RefuseReplacing(target, path);
        OutputPath.PrepareFile(target);
        var bytes = NeuralFileReader.LoadBytes(path);
        IModality writer;
        DecompressionResult result;
        try
        {
            if (PredictiveFile.Is(bytes))
            {
                var header = PredictiveFile.ReadHeader(bytes, limits);
                writer = ModalityRegistry.ForName(header.Signal.Modality);    // before decoding: no writer, no work
                result = new DecompressionResult(PredictiveFile.Decode(bytes, limits), true, NeuralFileFormat.PredictiveFormatVersion, bytes.Length);
            }
            else
            {
                var parsed = NeuralFileReader.Read(bytes, limits);
                writer = ModalityRegistry.ForName(parsed.Header.Signal.Modality);
                result = new DecompressionResult(FieldDecoder.Decode(parsed), parsed.Header.Lossless, parsed.Header.FormatVersion, bytes.Length);
            }
        }
        catch (NeuralFileException e)
        {
            throw new NeuralFileException($"{Path.GetFileName(path)}: {e.Message}");
        }
        writer.Write(target, result.Signal);
        return result;
    }

    /// <summary>Refuses, before any training, a model whose training batch (every sample, or training.batch_size) would not fit the budget.</summary>
    private static void RequireMemory(Schema.FieldConfig config, SignalInfo signal, long budget)
    {
        long batch = config.Training.BatchSize is > 0 and var size && size < signal.SampleCount ? size : signal.SampleCount;
        var estimate = MemoryEstimate.Of(config, signal, batch);
        if (estimate.Total > budget)
            throw new NeuralFieldsException(
                $"training this model on the signal needs about {estimate}, over the memory budget of " +
                $"{MemoryEstimate.Gigabytes(budget)}: raise --memory if the machine has it, or set training.batch_size in a config");
    }

    /// <summary>
    /// The checks every compression makes before reading or training: the source exists and has a modality, the
    /// output replaces none of its inputs and its folder exists. Returns the modality and the output's full path.
    /// </summary>
    internal static (IModality Modality, string Target) Prepare(string source, string target)
    {
        if (!File.Exists(source)) throw new NeuralFieldsException($"file not found: {source}");
        var modality = ModalityRegistry.ForSource(source);
        OutputPath.RefuseReplacing(target, Inputs(modality, source));
        return (modality, OutputPath.PrepareFile(target));
    }

    /// <summary>The files a source is read from: a raw volume's sidecar too.</summary>
    private static IEnumerable<string> Inputs(IModality modality, string source) =>
        modality is VolumeModality ? [source, RawVolume.SidecarOf(source)] : [source];
}
