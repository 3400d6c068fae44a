using System.Buffers.Binary;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Signals.Volume;

namespace NeuralFields.Codec.Tests;

/// <summary>Raw volumes in neural files: integer grids exactly, float grids back in their type and range.</summary>
public sealed class VolumeCodecTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-codec-volume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteVolume(string name, string type, int width, int height, int depth)
    {
        var header = new RawVolumeHeader(width, height, depth, type);
        int size = header.BytesPerSample;
        var bytes = new byte[header.Samples * size];
        for (int i = 0; i < header.Samples; i++)
        {
            double value = 0.5 + 0.4 * Math.Sin(0.7 * (i % width) + 0.3 * (i / width % height) + 0.2 * (i / (width * height)));
            switch (type)
            {
                case "uint8": bytes[i] = (byte)Math.Round(value * 255); break;
                case "uint16": BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)Math.Round(value * 65535)); break;
                default: BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), (float)(value * 40 - 7)); break;
            }
        }
        var path = Path.Combine(_folder, name + ".raw");
        File.WriteAllBytes(path, bytes);
        File.WriteAllText(RawVolume.SidecarOf(path), $$"""{ "width": {{width}}, "height": {{height}}, "depth": {{depth}}, "type": "{{type}}" }""");
        return path;
    }

    private string RoundTrip(string source, bool lossless)
    {
        var loaded = ModalityRegistry.ForSource(source).Load(source, new LoadOptions());
        var options = new CompressionOptions(CodecSignals.Siren(2, 16)) { Steps = 15, Lossless = lossless };
        var result = FieldCompressor.Compress(loaded.Info, loaded.Samples, options, attributes: loaded.Attributes);
        var decoded = FieldDecoder.Decode(result.File);
        var back = Path.Combine(_folder, Path.GetFileNameWithoutExtension(source) + "-back.raw");
        ModalityRegistry.ForName(decoded.Info.Modality).Write(back, decoded);
        return back;
    }

    [Theory]
    [InlineData("uint8")]
    [InlineData("uint16")]
    public void Integer_volumes_round_trip_exactly(string type)
    {
        var source = WriteVolume(type, type, 7, 5, 3);
        var back = RoundTrip(source, lossless: true);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(back));
        Assert.Equal(RawVolume.Load(source).Header, RawVolume.Load(back).Header);
    }

    [Fact]
    public void Lossy_volumes_default_to_a_3_D_latent_grid_file_that_decompresses_in_their_own_format()
    {
        var source = WriteVolume("smooth", "float32", 9, 8, 7);
        var target = Path.Combine(_folder, "smooth.nf");
        var compress = Nf.Run("compress", source, "-o", target, "--steps", "30", "--lambda", "1e-3");
        Assert.True(compress.ExitCode == 0, compress.Error + compress.Out);
        Assert.Contains("bits/point", compress.Out);
        var info = Nf.Run("info", target);
        Assert.Contains("latent grids", info.Out);
        Assert.Contains("encoding.latents.0 [7x8x9]", info.Out);
        var back = Path.Combine(_folder, "smooth-back.raw");
        Assert.Equal(0, Nf.Run("decompress", target, "-o", back).ExitCode);
        Assert.Equal(RawVolume.Load(source).Header, RawVolume.Load(back).Header);
    }

    [Fact]
    public void Float_volumes_come_back_as_float32_in_their_own_range()
    {
        var source = WriteVolume("float", "float32", 6, 4, 3);
        Assert.False(ModalityRegistry.ForSource(source).Load(source, new LoadOptions()).Exact);
        var back = RawVolume.Load(RoundTrip(source, lossless: false));
        var original = RawVolume.Load(source);
        Assert.Equal(original.Header, back.Header);
        Assert.InRange(back.Minimum, original.Minimum - 1e-3f, original.Maximum);
        Assert.InRange(back.Maximum, original.Minimum, original.Maximum + 1e-3f);
    }
}
