using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralFields.Core.Models;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Schema.Serialization;
using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// A training checkpoint: the model config, the signal it fits, every parameter and buffer, the
/// optimiser moments and the run's counters, so that rendering and resuming need nothing else.
/// Layout: "NFCKPT\0" and a version byte, u32 header length, UTF-8 JSON header, float32 little-endian
/// tensors in header order, and (version 2) the CRC-32 of every byte before it. Version 1 files (no
/// checksum) still load. Every load checks the structure too: each tensor the config's model has is
/// listed once with its shape, the Adam moments match the parameters, and nothing follows the data.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Prefix = "NFCKPT\0"u8.ToArray();
    private const byte Version = 2, FirstVersion = 1;
    private const int PreambleBytes = 8 + 4;

    // An exact fit has an infinite PSNR; the curve keeps it as "Infinity" rather than failing to save.
    private static readonly JsonSerializerOptions CurveOptions = new(ConfigJson.Options)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public sealed record Contents(FieldModel Model, long Seed, long AdamStep, List<float[]> AdamMoments,
        List<CurvePoint> Curve, double Seconds)
    {
        /// <summary>Bit error rates per plane so far (bit-plane heads and lossless runs); empty otherwise.</summary>
        public List<BitErrorPoint> BitErrors { get; init; } = [];
    }

    public static void Save(string path, Trainer trainer, long seed)
    {
        var model = trainer.Model;
        var named = model.state_dict().ToList();
        var moments = trainer.Optimizer.StateTensors().ToList();
        var header = new JsonObject
        {
            ["config"] = JsonNode.Parse(ConfigJson.Serialize(model.Config)),
            ["signal"] = JsonSerializer.SerializeToNode(model.Signal, ConfigJson.Options),
            ["seed"] = seed,
            ["adam_step"] = trainer.Optimizer.Step,
            ["seconds"] = trainer.Seconds,
            ["curve"] = JsonSerializer.SerializeToNode(trainer.Curve, CurveOptions),
            ["bit_errors"] = JsonSerializer.SerializeToNode(trainer.BitErrors, CurveOptions),
            ["tensors"] = new JsonArray(named.Select(t => (JsonNode)new JsonObject
            {
                ["name"] = t.Key,
                ["shape"] = new JsonArray(t.Value.shape.Select(d => (JsonNode)d).ToArray()),
            }).ToArray()),
            ["moments"] = moments.Count,
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Streamed to the file with the checksum computed on the way: a whole-file buffer cost twice the model's
        // size and moments again (0.4 GB more for a 13 M-parameter SDF grid).
        AtomicFile.Write(path, file =>
        {
            var crc = new Crc32();
            Span<byte> word = stackalloc byte[4];
            Put(file, crc, Prefix);
            Put(file, crc, [Version]);
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)headerBytes.Length);
            Put(file, crc, word);
            Put(file, crc, headerBytes);
            foreach (var t in named.Select(n => n.Value).Concat(moments))
                WriteFloats(file, crc, t);
            BinaryPrimitives.WriteUInt32LittleEndian(word, crc.GetCurrentHashAsUInt32());
            file.Write(word);
        });
    }

    private static void Put(Stream file, Crc32 crc, ReadOnlySpan<byte> bytes)
    {
        file.Write(bytes);
        crc.Append(bytes);
    }

    public static Contents Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralFieldsException($"cannot read checkpoint {path}: {e.Message}");
        }
        if (bytes.Length < PreambleBytes || !bytes.AsSpan(0, Prefix.Length).SequenceEqual(Prefix) || bytes[Prefix.Length] is 0)
            throw new NeuralFieldsException($"{path} is not a NeuralFields checkpoint");
        int version = bytes[Prefix.Length];
        if (version is < FirstVersion or > Version)
            throw new NeuralFieldsException($"{path} is a version {version} checkpoint; this nf reads versions {FirstVersion}-{Version}");
        int end = bytes.Length;
        if (version >= 2)
        {
            end -= 4;
            if (end < PreambleBytes || Crc32.HashToUInt32(bytes.AsSpan(0, end)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end)))
                throw Damaged(path, "its checksum does not match (changed or cut short)");
        }
        try
        {
            return Read(bytes, end, path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException
                                      or OverflowException or NullReferenceException or FormatException)
        {
            throw Damaged(path, $"unreadable header ({e.GetType().Name})");
        }
    }

    private static Contents Read(byte[] bytes, int end, string path)
    {
        int headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(Prefix.Length + 1)));
        int offset = PreambleBytes;
        if (headerLength > end - offset) throw Damaged(path, "its header is longer than the file");
        var header = JsonNode.Parse(bytes.AsSpan(offset, headerLength))!.AsObject();
        offset += headerLength;
        var config = ConfigJson.Parse(header["config"]!.ToJsonString(), $"{path} (config)");
        var signal = header["signal"].Deserialize<SignalInfo>(ConfigJson.Options)!;
        RequireUsable(signal, path);
        var model = new FieldModel(config, signal);

        // Every tensor of the model, listed once with its shape, in the order the data follows.
        var state = model.state_dict();
        var listed = header["tensors"]!.AsArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var entry in listed)
            {
                var name = (string)entry!["name"]!;
                var shape = entry["shape"]!.AsArray().Select(d => (long)d!).ToArray();
                if (!seen.Add(name)) throw Damaged(path, $"tensor '{name}' is listed twice");
                if (!state.TryGetValue(name, out var target) || !target.shape.SequenceEqual(shape))
                    throw new NeuralFieldsException($"{path}: tensor '{name}' does not fit the model its config builds");
                var values = ReadFloats(bytes, end, ref offset, target.numel(), path);
                using var source = tensor(values).reshape(shape);
                target.copy_(source);
            }
        }
        var missing = state.Keys.FirstOrDefault(k => !seen.Contains(k));
        if (missing is not null) throw Damaged(path, $"tensor '{missing}' of its model is missing");

        var parameters = model.parameters().ToList();
        int momentCount = (int)header["moments"]!;
        if (momentCount != 2 * parameters.Count)
            throw Damaged(path, $"it holds {momentCount} optimiser moments for {parameters.Count} parameter tensors (2 each)");
        var moments = new List<float[]>();
        foreach (var p in parameters)
            for (int twice = 0; twice < 2; twice++)
                moments.Add(ReadFloats(bytes, end, ref offset, p.numel(), path));
        if (offset != end) throw Damaged(path, $"{end - offset:N0} unexpected bytes follow its data");

        var curve = header["curve"].Deserialize<List<CurvePoint>>(CurveOptions) ?? [];
        var bitErrors = header["bit_errors"].Deserialize<List<BitErrorPoint>>(CurveOptions) ?? [];   // absent in older checkpoints
        return new Contents(model, (long)header["seed"]!, (long)header["adam_step"]!, moments, curve, (double)header["seconds"]!)
            { BitErrors = bitErrors };
    }

    /// <summary>A signal a model can be built for: a crafted header must not reach the builders (zero sizes, 99-bit samples).</summary>
    private static void RequireUsable(SignalInfo signal, string path)
    {
        var d = signal.Dimensions;
        if (d is null || d.Length is < 1 or > 4 || d.Any(n => n < 1) || signal.SampleCount > 1L << 36)
            throw Damaged(path, $"its signal has an impossible shape ({(d is null ? "none" : string.Join("x", d))})");
        if (signal.Channels is < 1 or > 64)
            throw Damaged(path, $"its signal has {signal.Channels} channels");
        if (signal.BitDepth is < 1 or > 32)
            throw Damaged(path, $"its signal has {signal.BitDepth}-bit samples (1 to 32 are possible)");
    }

    private static NeuralFieldsException Damaged(string path, string what) => new($"{path} is a damaged checkpoint: {what}");

    /// <summary>The tensor's values as float32 little-endian, a slice at a time.</summary>
    private static unsafe void WriteFloats(Stream file, Crc32 crc, Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous().to(ScalarType.Float32);
        var values = new ReadOnlySpan<float>(Runtime.TensorPointer.Float(cpu), checked((int)cpu.numel()));
        var buffer = new byte[4 * Math.Min(values.Length, 1 << 18)];
        for (int start = 0; start < values.Length; start += buffer.Length / 4)
        {
            int count = Math.Min(buffer.Length / 4, values.Length - start);
            for (int i = 0; i < count; i++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), values[start + i]);
            Put(file, crc, buffer.AsSpan(0, count * 4));
        }
    }

    private static float[] ReadFloats(byte[] bytes, int end, ref int offset, long count, string path)
    {
        if (count < 0 || offset + count * 4 > end)
            throw Damaged(path, "it is truncated");
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + i * 4));
        offset += checked((int)(count * 4));
        return values;
    }
}
