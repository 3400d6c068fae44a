using System.Buffers.Binary;
using NAudio.Wave;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Signals.Audio;

/// <summary>
/// Reads WAV (PCM 8/16/24/32-bit, IEEE float 32, mono or stereo, any rate; WAVE_FORMAT_EXTENSIBLE
/// too) with NAudio's chunk-aware reader and writes it back in the same format.
/// </summary>
public static class WavFile
{
    /// <summary>Refuse clips longer than this many sample frames (default: one hour at 48 kHz).</summary>
    public const long DefaultMaxFrames = 48_000L * 3600;

    public static AudioSignal Load(string path, long maxFrames = DefaultMaxFrames)
    {
        if (!File.Exists(path)) throw new NeuralFieldsException($"audio file not found: {path}");
        try
        {
            RequireWholeDataChunk(path);
            using var reader = new WaveFileReader(path);
            var format = Describe(reader.WaveFormat, path);
            int bytesPerSample = format.BitsPerSample / 8;
            int frameBytes = bytesPerSample * format.Channels;
            if (reader.Length % frameBytes != 0)
                throw new NeuralFieldsException($"{path}: its data chunk of {reader.Length:N0} bytes ends in a partial sample frame (frames of {frameBytes} bytes)");
            long frames = reader.Length / frameBytes;
            if (frames == 0) throw new NeuralFieldsException($"{path} holds no samples (its data chunk is empty)");
            if (frames > maxFrames) throw new NeuralFieldsException($"{path} has {frames:N0} sample frames, over the limit of {maxFrames:N0}");
            var bytes = new byte[frames * bytesPerSample * format.Channels];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = reader.Read(bytes, read, bytes.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read < bytes.Length) throw new NeuralFieldsException($"{path} is truncated: its data chunk is shorter than its header says");
            return Decode(bytes, format, frames);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException or ArgumentException)
        {
            throw new NeuralFieldsException($"cannot read WAV {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Refuses a data chunk that claims more bytes than the file holds: NAudio reads what is there and
    /// says nothing, so a truncated clip would pass as a shorter one. RF64 files keep their sizes in a
    /// ds64 chunk and are left to NAudio.
    /// </summary>
    private static void RequireWholeDataChunk(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> chunk = stackalloc byte[12];
        if (stream.Read(chunk) < 12 || !chunk[..4].SequenceEqual("RIFF"u8) || !chunk[8..12].SequenceEqual("WAVE"u8))
            return;                                               // not RIFF/WAVE: NAudio says what is wrong
        for (long at = 12; at + 8 <= stream.Length;)
        {
            stream.Position = at;
            stream.ReadExactly(chunk[..8]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..8]);
            if (chunk[..4].SequenceEqual("data"u8))
            {
                long held = stream.Length - (at + 8);
                if (size > held)
                    throw new NeuralFieldsException($"{path} is truncated: its data chunk claims {size:N0} bytes but the file holds {held:N0}");
                return;
            }
            at += 8 + size + (size & 1);                          // chunks are padded to an even length
        }
    }

    public static void Save(string path, AudioSignal signal)
    {
        var f = signal.Format;
        var waveFormat = f.IsFloat
            ? WaveFormat.CreateIeeeFloatWaveFormat(f.SampleRate, f.Channels)
            : f.BitsPerSample <= 16 ? new WaveFormat(f.SampleRate, f.BitsPerSample, f.Channels)
            : new WaveFormatExtensible(f.SampleRate, f.BitsPerSample, f.Channels, useIeeeFloat: false, f.BitsPerSample, f.Channels == 2 ? 3 : f.Channels == 1 ? 4 : 0);
        var bytes = Encode(signal);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new WaveFileWriter(new NonClosingStream(stream), waveFormat);
            writer.Write(bytes, 0, bytes.Length);
        });
    }

    private static AudioFormat Describe(WaveFormat w, string path)
    {
        var subFormat = SubFormat(w);
        bool isFloat = w.Encoding == WaveFormatEncoding.IeeeFloat || subFormat == WaveFormatEncoding.IeeeFloat;
        bool isPcm = w.Encoding == WaveFormatEncoding.Pcm || subFormat == WaveFormatEncoding.Pcm;
        if (isFloat && w.BitsPerSample != 32)
            throw new NeuralFieldsException($"{path}: only 32-bit float WAV is supported, not {w.BitsPerSample}-bit");
        if (!isFloat && !(isPcm && w.BitsPerSample is 8 or 16 or 24 or 32))
            throw new NeuralFieldsException($"{path}: unsupported WAV encoding {w.Encoding} with {w.BitsPerSample} bits (PCM 8/16/24/32 or float 32 are)");
        if (w.Channels is < 1 or > 8 || w.SampleRate <= 0)
            throw new NeuralFieldsException($"{path}: {w.Channels} channels at {w.SampleRate} Hz is not a usable format");
        return new AudioFormat(w.SampleRate, w.Channels, w.BitsPerSample, isFloat);
    }

    /// <summary>
    /// The sample encoding inside a WAVE_FORMAT_EXTENSIBLE header: the first two bytes of the
    /// SubFormat GUID, which follows wValidBitsPerSample and dwChannelMask in the extra data.
    /// </summary>
    private static WaveFormatEncoding? SubFormat(WaveFormat w) => w switch
    {
        WaveFormatExtensible e => (WaveFormatEncoding)BitConverter.ToUInt16(e.SubFormat.ToByteArray(), 0),
        WaveFormatExtraData { ExtraData.Length: >= 22 } x when w.Encoding == WaveFormatEncoding.Extensible =>
            (WaveFormatEncoding)BitConverter.ToUInt16(x.ExtraData, 6),
        _ => null,
    };

    private static AudioSignal Decode(byte[] bytes, AudioFormat f, long frames)
    {
        long count = frames * f.Channels;
        if (f.IsFloat)
        {
            var floats = new float[count];
            Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts");
            return new AudioSignal(f, frames, null, floats);
        }
        var codes = new uint[count];
        int b = f.BitsPerSample / 8;
        uint offset = f.BitsPerSample == 8 ? 0u : 1u << (f.BitsPerSample - 1);   // 8-bit WAV is already unsigned
        for (long i = 0; i < count; i++)
        {
            uint raw = 0;
            for (int k = 0; k < b; k++) raw |= (uint)bytes[i * b + k] << (8 * k);
            codes[i] = f.BitsPerSample == 32 ? raw + offset : (raw + offset) & ((1u << f.BitsPerSample) - 1);
        }
        return new AudioSignal(f, frames, codes, null);
    }

    private static byte[] Encode(AudioSignal s)
    {
        var f = s.Format;
        if (s.Floats is not null)
        {
            var floatBytes = new byte[s.Floats.Length * 4];
            Buffer.BlockCopy(s.Floats, 0, floatBytes, 0, floatBytes.Length);
            return floatBytes;
        }
        int b = f.BitsPerSample / 8;
        uint offset = f.BitsPerSample == 8 ? 0u : 1u << (f.BitsPerSample - 1);
        var bytes = new byte[s.Codes!.LongLength * b];
        for (long i = 0; i < s.Codes.LongLength; i++)
        {
            uint raw = s.Codes[i] - offset;      // back to two's complement (wraps as intended)
            for (int k = 0; k < b; k++) bytes[i * b + k] = (byte)(raw >> (8 * k));
        }
        return bytes;
    }

    /// <summary>Lets NAudio's writer finish its header without closing the atomic writer's stream.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        protected override void Dispose(bool disposing)
        {
            inner.Flush();
            base.Dispose(disposing);
        }
    }
}
