using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Signals.Volume;

/// <summary>
/// The sidecar that describes a raw volume: <c>NAME.raw</c> holds width·height·depth·channels
/// little-endian samples, x fastest, then y, then z; <c>NAME.json</c> holds this record.
/// </summary>
public sealed record RawVolumeHeader(int Width, int Height, int Depth, string Type = "uint8", int Channels = 1)
{
    [JsonIgnore] public int BytesPerSample => Type switch { "uint8" => 1, "uint16" => 2, _ => 4 };
    [JsonIgnore] public long Samples => (long)Width * Height * Depth * Channels;
}

/// <summary>A scalar (or few-channel) 3D grid with values in [0,1] ([depth, height, width, channels]).</summary>
public sealed record VolumeSignal(RawVolumeHeader Header, float[] Values, float Minimum, float Maximum)
{
    public SignalInfo Info => new("volume", [Header.Depth, Header.Height, Header.Width], Header.Channels,
        Header.Type == "uint16" ? 16 : Header.Type == "uint8" ? 8 : 32) { FloatingPoint = Header.Type == "float32" };
}

/// <summary>Reads and writes raw volumes with a JSON sidecar (see <see cref="RawVolumeHeader"/>).</summary>
public static class RawVolume
{
    public const long MaxSamples = 1L << 30;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static bool IsVolumePath(string path) => Path.GetExtension(path).Equals(".raw", StringComparison.OrdinalIgnoreCase);

    public static string SidecarOf(string rawPath) => Path.ChangeExtension(rawPath, ".json");

    public static VolumeSignal Load(string rawPath)
    {
        var sidecar = SidecarOf(rawPath);
        if (!File.Exists(rawPath)) throw new NeuralFieldsException($"volume not found: {rawPath}");
        if (!File.Exists(sidecar)) throw new NeuralFieldsException($"{rawPath} needs its sidecar {sidecar} (width, height, depth, type, channels)");
        RawVolumeHeader header;
        try
        {
            header = JsonSerializer.Deserialize<RawVolumeHeader>(File.ReadAllText(sidecar), Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new NeuralFieldsException($"{sidecar} is not a volume header: {e.Message}");
        }
        if (header.Width < 1 || header.Height < 1 || header.Depth < 1 || header.Channels is < 1 or > 4 || header.Type is not ("uint8" or "uint16" or "float32"))
            throw new NeuralFieldsException($"{sidecar}: sizes must be positive, channels 1-4, type uint8, uint16 or float32");
        if (header.Samples > MaxSamples) throw new NeuralFieldsException($"{rawPath}: {header.Samples:N0} samples is over the limit of {MaxSamples:N0}");
        long expected = header.Samples * header.BytesPerSample;
        if (new FileInfo(rawPath).Length != expected)
            throw new NeuralFieldsException($"{rawPath} has {new FileInfo(rawPath).Length:N0} bytes; its sidecar describes {expected:N0}");
        var bytes = File.ReadAllBytes(rawPath);
        var raw = new float[header.Samples];
        for (long i = 0; i < raw.LongLength; i++)
            raw[i] = header.Type switch
            {
                "uint8" => bytes[i],
                "uint16" => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)(2 * i))),
                _ => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(4 * i))),
            };
        // Integer types map by their full range (exact); floats by their own min..max.
        float min = header.Type == "float32" ? raw.Min() : 0, max = header.Type switch { "uint8" => 255, "uint16" => 65535, _ => raw.Max() };
        float span = max > min ? max - min : 1;
        var values = raw.Select(v => (v - min) / span).ToArray();
        return new VolumeSignal(header, values, min, max);
    }

    /// <summary>Writes values in [0,1] back in the header's type and range, plus the sidecar.</summary>
    public static void Save(string rawPath, VolumeSignal volume, float[] values)
    {
        var h = volume.Header;
        var bytes = new byte[h.Samples * h.BytesPerSample];
        float span = volume.Maximum - volume.Minimum;
        for (long i = 0; i < h.Samples; i++)
        {
            float v = Math.Clamp(values[i], 0f, 1f);
            switch (h.Type)
            {
                case "uint8": bytes[i] = (byte)Math.Round(v * 255); break;
                case "uint16": BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)(2 * i)), (ushort)Math.Round(v * 65535)); break;
                default: BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan((int)(4 * i)), volume.Minimum + v * span); break;
            }
        }
        AtomicFile.Write(rawPath, s => s.Write(bytes));
        AtomicFile.WriteAllText(SidecarOf(rawPath), JsonSerializer.Serialize(h, Json));
    }
}
