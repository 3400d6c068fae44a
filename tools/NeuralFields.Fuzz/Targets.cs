using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using NeuralFields.Backends;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Codec.Latent;
using NeuralFields.Codec.Predictive;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Fitting;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Rendering;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Image;
using NeuralFields.Signals.Mesh;
using NeuralFields.Signals.Volume;

namespace NeuralFields.Fuzz;

/// <summary>The harnesses, by name (tools/fuzz.sh TARGET).</summary>
public static class FuzzTargets
{
    /// <summary>Decoding limits of the harnesses: small grids keep one execution in milliseconds (the CLI's are larger, same code).</summary>
    public const long MaxPoints = 1 << 16;

    public static IReadOnlyList<FuzzTarget> All(bool checkTime = true) =>
    [
        new NeuralFileTarget { CheckTime = checkTime }, new CheckpointTarget { CheckTime = checkTime }, new ConfigTarget { CheckTime = checkTime },
        new WavTarget { CheckTime = checkTime }, new MeshTarget("ply") { CheckTime = checkTime }, new MeshTarget("obj") { CheckTime = checkTime },
        new VolumeTarget { CheckTime = checkTime }, new ImageTarget { CheckTime = checkTime },
    ];

    public static FuzzTarget Get(string name, bool checkTime = true) => All(checkTime).FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"unknown target '{name}' (known: {string.Join(", ", All().Select(t => t.Name))})");

    /// <summary>A tiny SIREN for seed files: a few hundred parameters, trained a couple of steps.</summary>
    internal static FieldConfig TinyConfig(string head = "linear") => ConfigJson.Parse($$"""
        { "encoding": { "type": "none" }, "network": { "type": "mlp", "hidden_layers": 1, "width": 8, "activation": { "type": "sine" } },
          "head": { "type": "{{head}}" }, "training": { "learning_rate": 1e-3, "steps": 2 } }
        """);

    internal static ImageSignal Pattern(int width, int height, int channels, int bits)
    {
        int max = (1 << bits) - 1;
        var samples = new ushort[width * height * channels];
        for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)(i * 7919 % (max + 1));
        return new ImageSignal(width, height, channels, bits, samples);
    }

    internal static AudioSignal Clip(int bits, int channels, bool isFloat, int frames = 64)
    {
        var format = new AudioFormat(8000, channels, bits, isFloat);
        var values = Enumerable.Range(0, frames * channels).Select(i => 0.5f + 0.4f * MathF.Sin(i * 0.3f)).ToArray();
        return AudioSignal.FromValues(values, format);
    }

    internal const string Tetrahedron = "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n";

    internal static byte[] Bytes(string scratch, string name, Action<string> write)
    {
        var path = Path.Combine(scratch, name);
        write(path);
        return File.ReadAllBytes(path);
    }
}

/// <summary>
/// `nf decompress` / `nf info`: every modality, lossy and lossless. The header and stream CRC-32s are recomputed
/// over the mutated input first, so mutations reach the header and stream parsers instead of stopping at the checksum
/// (the unchanged checksums are checked by the byte-flipping test).
/// </summary>
public sealed class NeuralFileTarget : FuzzTarget
{
    public override string Name => "nf";

    public override string Description => "neural files (.nf): header, attributes of every modality, weight and residual streams, decoding";

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch)
    {
        Torch.EnsureLoaded();
        var sources = new List<(string Name, string Path, bool Lossless)>
        {
            ("image8", Source(scratch, "i8.png", p => ImageFile.SavePng(p, FuzzTargets.Pattern(6, 5, 3, 8))), false),
            ("image8-lossless", Path.Combine(scratch, "i8.png"), true),
            ("image16-gray-lossless", Source(scratch, "i16.png", p => ImageFile.SavePng(p, FuzzTargets.Pattern(5, 4, 1, 16))), true),
            ("image-rgba", Source(scratch, "rgba.png", p => ImageFile.SavePng(p, FuzzTargets.Pattern(4, 4, 4, 8))), false),
            ("audio16-lossless", Source(scratch, "a16.wav", p => WavFile.Save(p, FuzzTargets.Clip(16, 1, false))), true),
            ("audio8-stereo", Source(scratch, "a8.wav", p => WavFile.Save(p, FuzzTargets.Clip(8, 2, false))), false),
            ("audio-float", Source(scratch, "af.wav", p => WavFile.Save(p, FuzzTargets.Clip(32, 1, true))), false),
            ("volume-uint8-lossless", Volume(scratch, "v8.raw", "uint8"), true),
            ("volume-float32", Volume(scratch, "vf.raw", "float32"), false),
            ("shape", Source(scratch, "tetra.obj", p => File.WriteAllText(p, FuzzTargets.Tetrahedron)), false),
        };
        foreach (var (name, path, lossless) in sources)
        {
            var target = Path.Combine(scratch, name + ".nf");
            // A shape needs a field with a surface: its own preset, trained longer.
            var options = name == "shape"
                ? new CompressionOptions(Presets.Load("shape-siren")) { Steps = 100, Seed = 1 }
                : new CompressionOptions(FuzzTargets.TinyConfig()) { Steps = 2, Seed = 1, Lossless = lossless };
            FileCompression.Compress(path, target, options, modelChosen: true, new LoadOptions(GridResolution: 8));
            yield return (name, File.ReadAllBytes(target));
        }
        // Formats 5 and 3: the latent-grid image codec (latents + autoregressive model), compact and JSON headers.
        var image = ModalityRegistry.ForSource(sources[0].Path).Load(sources[0].Path, new LoadOptions());
        var latent = new LatentOptions(Presets.Load("latent-fast")) { Lambda = LatentOptions.LambdaForQuality(60), Steps = 2, Seed = 1 };
        var latentFile = LatentCompressor.Compress(image.Info, image.Samples, latent, image.Attributes).File;
        yield return ("image-latent", latentFile);
        var parsed = NeuralFileReader.Read(latentFile);
        yield return ("image-latent-format3", NeuralFileWriter.Write(parsed.Header.Signal, parsed.Header.Config, parsed.Tensors, null, parsed.Header.Attributes, compactLatent: false));
        // Format 4: predictive lossless files, network mode (an 8-bit RGB image, a 16-bit PCM clip) and the plain mode.
        var predictive = new PredictiveOptions { Steps = 2, TrainingSamples = 64, Seed = 1, Networks = [new(2, 16)] };
        var clip = ModalityRegistry.ForSource(sources[4].Path).Load(sources[4].Path, new LoadOptions());
        yield return ("image8-predictive", PredictiveFile.Write(image.Info, image.Attributes, image.Samples, PredictiveMode.Network, ColourTransform.YCoCgR,
            PredictiveCompressor.TrainNets(image.Info, image.Samples, ColourTransform.YCoCgR, predictive)[0]));
        yield return ("audio16-predictive", PredictiveFile.Write(clip.Info, clip.Attributes, clip.Samples, PredictiveMode.Network, ColourTransform.None,
            PredictiveCompressor.TrainNets(clip.Info, clip.Samples, ColourTransform.None, predictive)[0]));
        yield return ("image8-plain", PredictiveFile.Write(image.Info, image.Attributes, image.Samples, PredictiveMode.Plain, ColourTransform.SubtractGreen));
        yield return ("image8-matches", PredictiveFile.Write(image.Info, image.Attributes, image.Samples, PredictiveMode.Matches, ColourTransform.None));
        yield return ("audio16-cascade", PredictiveFile.Write(clip.Info, clip.Attributes, clip.Samples, PredictiveMode.Plain, ColourTransform.None,
            stages: [new LmsStage(32, 3), new LmsStage(16, 4)]));
    }

    protected override void Parse(byte[] input, string scratch)
    {
        FixChecksums(input);
        var path = Write(scratch, "input.nf", input);
        _ = FileCompression.Decompress(path, Path.Combine(scratch, "out.ply"), new DecodeLimits(FuzzTargets.MaxPoints));
        if (PredictiveFile.Is(input)) _ = PredictiveFile.ReadHeader(input, new DecodeLimits(FuzzTargets.MaxPoints)).BitsPerGridPoint;   // what `nf info` prints
    }

    /// <summary>Rewrites both CRC-32s where the declared header length leaves room for them.</summary>
    public static void FixChecksums(byte[] bytes)
    {
        if (bytes.Length < 24 || !bytes.AsSpan(0, 8).SequenceEqual(NeuralFileFormat.Magic)) return;
        long header = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12));
        long streamsAt = 16 + header + 4;
        if (streamsAt + 4 > bytes.Length) return;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)streamsAt - 4), Crc32.HashToUInt32(bytes.AsSpan(0, (int)streamsAt - 4)));
        int end = bytes.Length - 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(end), Crc32.HashToUInt32(bytes.AsSpan((int)streamsAt, end - (int)streamsAt)));
    }

    private static string Source(string scratch, string name, Action<string> write)
    {
        var path = Path.Combine(scratch, name);
        write(path);
        return path;
    }

    private static string Volume(string scratch, string name, string type)
    {
        var header = new RawVolumeHeader(4, 3, 2, type);
        var values = Enumerable.Range(0, 24).Select(i => i / 23f).ToArray();
        var path = Path.Combine(scratch, name);
        RawVolume.Save(path, new VolumeSignal(header, values, 0, 1), values);
        return path;
    }
}

/// <summary>`nf render CKPT` and `nf fit --resume CKPT`: load, check, render a small image or preview. The trailing CRC-32 is recomputed.</summary>
public sealed class CheckpointTarget : FuzzTarget
{
    public override string Name => "ckpt";

    public override string Description => "checkpoints (model.ckpt): header JSON, config, signal, tensor list, weights and moments";

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch)
    {
        Torch.EnsureLoaded();
        var image = Path.Combine(scratch, "c.png");
        ImageFile.SavePng(image, FuzzTargets.Pattern(5, 4, 3, 8));
        var audio = Path.Combine(scratch, "c.wav");
        WavFile.Save(audio, FuzzTargets.Clip(16, 1, false));
        foreach (var (name, path, head) in new[] { ("image", image, "linear"), ("image-bitplane", image, "bitplane"), ("audio", audio, "linear") })
        {
            using var result = FieldFit.Run(ModalityRegistry.Open(path), FuzzTargets.TinyConfig(head), new FitOptions { Steps = 2, Seed = 1 });
            var target = Path.Combine(scratch, name + ".ckpt");
            result.SaveCheckpoint(target);
            yield return (name, File.ReadAllBytes(target));
        }
    }

    protected override void Parse(byte[] input, string scratch)
    {
        Torch.EnsureLoaded();
        if (input.Length >= 12 && input[7] >= 2)                                              // version 2 ends with a CRC-32 of the rest
            BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(input.Length - 4), Crc32.HashToUInt32(input.AsSpan(0, input.Length - 4)));
        var contents = Checkpoint.Load(Write(scratch, "model.ckpt", input));
        using var model = contents.Model;
        if (FieldImages.IsShape(model)) FieldImages.Preview(model, 8, 8, 30, 20);
        else if (model.Signal.Modality == "image") FieldImages.Render(model, 8, 8, null, AcceleratorChoice.Torch);
    }
}

/// <summary>`--config FILE`: parse, validate, and lay the model out for a small image (what fit and compress do first).</summary>
public sealed class ConfigTarget : FuzzTarget
{
    public override string Name => "config";

    public override string Description => "JSON configs (--config): every component type and field, training settings";

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch) =>
        Presets.Names.Select(name => (name, Encoding.UTF8.GetBytes(ConfigJson.Serialize(Presets.Load(name)))));

    protected override void Parse(byte[] input, string scratch)
    {
        var config = ConfigJson.Load(Write(scratch, "config.json", input));
        var layout = FieldLayout.Of(config, new SignalInfo("image", [16, 16], 3, 8));
        _ = layout.Tensors.Count;
    }
}

/// <summary>`nf fit|compress CLIP.wav`: the WAV reader and the conversion to the grid a neural file codes.</summary>
public sealed class WavTarget : FuzzTarget
{
    public override string Name => "wav";

    public override string Description => "WAV clips: RIFF chunks, PCM 8/16/24/32-bit and float formats, channel layouts";

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch) =>
        new[] { (8, 1, false), (16, 2, false), (24, 1, false), (32, 1, true) }.Select(f =>
            ($"wav{f.Item1}-{f.Item2}{(f.Item3 ? "-float" : "")}", FuzzTargets.Bytes(scratch, "seed.wav", p => WavFile.Save(p, FuzzTargets.Clip(f.Item1, f.Item2, f.Item3, 16)))));

    protected override void Parse(byte[] input, string scratch) =>
        new AudioModality().Load(Write(scratch, "input.wav", input), new LoadOptions(MaxPoints: FuzzTargets.MaxPoints));
}

/// <summary>`nf fit|compress MESH`: the PLY (ASCII and binary) or OBJ reader and the mesh checks.</summary>
public sealed class MeshTarget(string format) : FuzzTarget
{
    public override string Name => format;

    public override string Description => format == "ply" ? "PLY meshes, ASCII and binary (both endians)" : "OBJ meshes";

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch)
    {
        var mesh = MeshFile.Load(Write(scratch, "tetra.obj", Encoding.ASCII.GetBytes(FuzzTargets.Tetrahedron)));
        if (format == "obj")
        {
            yield return ("tetra", Encoding.ASCII.GetBytes(FuzzTargets.Tetrahedron));
            yield return ("tetra-normals", Encoding.ASCII.GetBytes("# tetrahedron\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nvn 0 0 1\nvt 0 0\nf 1/1/1 3/1/1 2/1/1\nf 1//1 2//1 4//1\nf 1 4 3 2\nf -3 -2 -1\n"));
            yield break;
        }
        yield return ("binary", FuzzTargets.Bytes(scratch, "seed.ply", p => MeshFile.Save(p, mesh)));
        yield return ("ascii", Encoding.ASCII.GetBytes(
            "ply\nformat ascii 1.0\ncomment tetrahedron\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n" +
            "element face 4\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n"));
    }

    protected override void Parse(byte[] input, string scratch)
    {
        var mesh = MeshFile.Load(Write(scratch, "input." + format, input));
        _ = mesh.UnitFrame();
    }
}

/// <summary>
/// `nf fit|compress VOLUME.raw`: the sidecar and the raw samples. One fuzz input holds both: a u16 length, the
/// sidecar JSON of that length, then the raw bytes.
/// </summary>
public sealed class VolumeTarget : FuzzTarget
{
    public override string Name => "volume";

    public override string Description => "raw volumes (.raw + .json sidecar): sizes, sample types, channels";

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch)
    {
        foreach (var (type, bytes) in new[] { ("uint8", 1), ("uint16", 2), ("float32", 4) })
        {
            var sidecar = Encoding.UTF8.GetBytes($$"""{"width": 3, "height": 2, "depth": 2, "type": "{{type}}", "channels": 1}""");
            var raw = Enumerable.Range(0, 12 * bytes).Select(i => (byte)(i * 37)).ToArray();
            yield return (type, Frame(sidecar, raw));
        }
    }

    public static byte[] Frame(byte[] sidecar, byte[] raw)
    {
        var input = new byte[2 + sidecar.Length + raw.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(input, (ushort)sidecar.Length);
        sidecar.CopyTo(input, 2);
        raw.CopyTo(input, 2 + sidecar.Length);
        return input;
    }

    protected override void Parse(byte[] input, string scratch)
    {
        if (input.Length < 2) return;
        int length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(input), input.Length - 2);
        Write(scratch, "input.json", input.AsSpan(2, length));
        var raw = Write(scratch, "input.raw", input.AsSpan(2 + length));
        new VolumeModality().Load(raw, new LoadOptions(MaxPoints: FuzzTargets.MaxPoints));
    }
}

/// <summary>`nf fit|compress IMAGE`: size and memory checks before decoding, format metadata to channels and bit depth, samples.</summary>
public sealed class ImageTarget : FuzzTarget
{
    public override string Name => "image";

    public override string Description => "images as far as our code handles them: header size checks, memory budget, pixel-type mapping (PNG, BMP, GIF, TGA, TIFF, PBM, JPEG, WebP)";

    public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch)
    {
        foreach (var (name, channels, bits) in new[] { ("rgb8", 3, 8), ("gray16", 1, 16), ("rgba8", 4, 8), ("grayalpha8", 2, 8), ("rgb16", 3, 16) })
            yield return ($"png-{name}", FuzzTargets.Bytes(scratch, "seed.png", p => ImageFile.SavePng(p, FuzzTargets.Pattern(4, 3, channels, bits))));
        foreach (var (name, bytes) in SeedImages.Others(FuzzTargets.Pattern(4, 3, 3, 8)))
            yield return (name, bytes);
    }

    protected override void Parse(byte[] input, string scratch) =>
        new ImageModality().Load(Write(scratch, "input.png", input), new LoadOptions(MaxPoints: FuzzTargets.MaxPoints) { MemoryBudget = 64L << 20 });
}
