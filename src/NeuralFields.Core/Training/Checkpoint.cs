using System.Buffers.Binary;
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
/// Layout: "NFCKPT\0\x01", u32 header length, UTF-8 JSON header, then float32 little-endian
/// tensors in header order.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = "NFCKPT\0\u0001"u8.ToArray();

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
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)headerBytes.Length);
            stream.Write(length);
            stream.Write(headerBytes);
            foreach (var t in named.Select(n => n.Value).Concat(moments))
                WriteFloats(stream, t);
        });
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
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new NeuralFieldsException($"{path} is not a NeuralFields checkpoint");
        try
        {
            int headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(Magic.Length)));
            int offset = Magic.Length + 4;
            var header = JsonNode.Parse(bytes.AsSpan(offset, headerLength))!.AsObject();
            offset += headerLength;
            var config = ConfigJson.Parse(header["config"]!.ToJsonString(), $"{path} (config)");
            var signal = header["signal"].Deserialize<SignalInfo>(ConfigJson.Options)!;
            var model = new FieldModel(config, signal);
            var state = model.state_dict();
            using (no_grad())
            {
                foreach (var entry in header["tensors"]!.AsArray())
                {
                    var name = (string)entry!["name"]!;
                    var shape = entry["shape"]!.AsArray().Select(d => (long)d!).ToArray();
                    if (!state.TryGetValue(name, out var target) || !target.shape.SequenceEqual(shape))
                        throw new NeuralFieldsException($"{path}: tensor '{name}' does not fit the model its config builds");
                    var values = ReadFloats(bytes, ref offset, target.numel());
                    using var source = tensor(values).reshape(shape);
                    target.copy_(source);
                }
            }
            int momentCount = (int)header["moments"]!;
            var moments = new List<float[]>();
            foreach (var p in model.parameters())
                for (int twice = 0; twice < 2 && moments.Count < momentCount; twice++)
                    moments.Add(ReadFloats(bytes, ref offset, p.numel()));
            var curve = header["curve"].Deserialize<List<CurvePoint>>(CurveOptions) ?? [];
            var bitErrors = header["bit_errors"].Deserialize<List<BitErrorPoint>>(CurveOptions) ?? [];   // absent in older checkpoints
            return new Contents(model, (long)header["seed"]!, (long)header["adam_step"]!, moments, curve, (double)header["seconds"]!)
                { BitErrors = bitErrors };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException
                                      or OverflowException or NullReferenceException or FormatException)
        {
            throw new NeuralFieldsException($"{path} is a damaged checkpoint ({e.GetType().Name})");
        }
    }

    private static void WriteFloats(Stream stream, Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous().to(ScalarType.Float32);
        var values = cpu.data<float>().ToArray();
        var buffer = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), values[i]);
        stream.Write(buffer);
    }

    private static float[] ReadFloats(byte[] bytes, ref int offset, long count)
    {
        if (count < 0 || offset + count * 4 > bytes.Length)
            throw new ArgumentException("checkpoint is truncated");
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset + i * 4));
        offset += checked((int)(count * 4));
        return values;
    }
}
