using System.Globalization;
using NeuralFields.Cli.Jobs;
using NeuralFields.Cli.Output;
using NeuralFields.Schema;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Mesh;
using NeuralFields.Signals.Volume;

namespace NeuralFields.Cli.Commands;

/// <summary>
/// `nf fit` for the signals that are not images, chosen by file extension: WAV audio, PLY/OBJ
/// meshes (an SDF or occupancy field) and raw volumes (.raw with a .json sidecar).
/// </summary>
internal static class FitSignal
{
    public static bool Handles(string path) => IsAudio(path) || MeshFile.IsMeshPath(path) || RawVolume.IsVolumePath(path);

    private static bool IsAudio(string path) => Path.GetExtension(path).Equals(".wav", StringComparison.OrdinalIgnoreCase);

    /// <summary>The preset used when none is given, by signal kind.</summary>
    public static string DefaultPreset(string path, FieldKind field, bool lossless = false) =>
        IsAudio(path) ? lossless ? "audio-lossless" : "audio-siren"
        : MeshFile.IsMeshPath(path) ? field == FieldKind.Sdf ? "sdf-hashgrid" : "occupancy-hashgrid"
        : "siren";

    public static void Run(string path, FieldConfig config, string name, int? steps, double? targetPsnr, long seed, string outDir,
        FieldKind field, int samples, int resolution, CancellationToken cancel, bool lossless = false)
    {
        string label = Path.GetFileName(path);
        ProgressDisplay progress = (total, work) => ConsoleProgress.Show(label, total, work);
        if (lossless && !IsAudio(path))
            throw new NeuralFieldsException("--lossless applies to images and integer PCM WAV clips, not to meshes or volumes");
        if (IsAudio(path))
        {
            var r = AudioFit.Run(path, config, name, steps, targetPsnr, seed, outDir, progress, cancel, lossless);
            string Db(double v) => double.IsPositiveInfinity(v) ? "inf" : v.ToString("F2", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: SNR {Db(r.Snr)} dB, PSNR {Db(r.Psnr)} dB, {r.Steps} steps in {r.Seconds:F1} s ({r.SamplesPerSecond:N0} samples/s, {r.Parameters:N0} parameters) -> {outDir}"));
            if (lossless)
                Console.WriteLine(r.WrongSamples == 0
                    ? FitCommand.ExactLine(r.StepsToLossless, r.SecondsToLossless)
                    : $"not lossless after {r.Steps} steps: {r.WrongSamples:N0} samples differ");
        }
        else if (MeshFile.IsMeshPath(path))
        {
            var r = ShapeFit.Run(path, field, config, name, steps, seed, samples, resolution, outDir, progress, cancel);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {field} IoU {r.Iou:F4}, Chamfer {r.Chamfer:G4}, {r.Steps} steps in {r.Seconds:F1} s ({r.Parameters:N0} parameters) -> {outDir}"));
        }
        else
        {
            double psnr = VolumeFit.Run(path, config, name, steps, targetPsnr, seed, outDir, progress, cancel);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: PSNR {psnr:F2} dB -> {outDir}"));
        }
    }
}
