using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Tests;

public sealed class LosslessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-codec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(12, 10, 3, 8)]
    [InlineData(9, 7, 1, 16)]
    [InlineData(1, 1, 3, 8)]
    [InlineData(3, 1, 2, 16)]
    [InlineData(1, 4, 4, 8)]
    public void Lossless_files_decode_to_every_source_sample(int width, int height, int channels, int bits)
    {
        var (info, samples) = CodecSignals.Image(width, height, channels, bits);
        var options = new CompressionOptions(CodecSignals.Siren()) { Steps = 15, Lossless = true, Bits = 6, QatSteps = 3 };
        var result = FieldCompressor.Compress(info, samples, options);
        Assert.True(result.Header.Lossless);
        Assert.Equal(samples, FieldDecoder.Decode(result.File).Samples);
    }

    [Fact]
    public void A_bit_plane_head_leaves_a_small_residual()
    {
        var (info, samples) = CodecSignals.Image(8, 8, 1, 8);
        var plain = FieldCompressor.Compress(info, samples, new CompressionOptions(CodecSignals.Siren(2, 24)) { Steps = 100, Lossless = true });
        var bitPlane = FieldCompressor.Compress(info, samples,
            new CompressionOptions(CodecSignals.Siren(2, 24, new BitPlaneHeadConfig(), learningRate: 2e-3)) { Steps = 100, Lossless = true });
        Assert.Equal(samples, FieldDecoder.Decode(bitPlane.File).Samples);
        Assert.True(bitPlane.Header.ResidualBytes <= plain.Header.ResidualBytes,
            $"bit-plane residual {bitPlane.Header.ResidualBytes} B, linear head {plain.Header.ResidualBytes} B");
    }

    [Fact]
    public void The_same_file_decodes_to_identical_png_bytes_twice()
    {
        var (info, samples) = CodecSignals.Image(10, 8, 3, 16);
        var result = FieldCompressor.Compress(info, samples, new CompressionOptions(CodecSignals.Siren()) { Steps = 10 });
        var modality = ModalityRegistry.ForName("image");
        var first = Path.Combine(_folder, "a.png");
        var second = Path.Combine(_folder, "b.png");
        modality.Write(first, FieldDecoder.Decode(result.File));
        modality.Write(second, FieldDecoder.Decode(result.File));
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        var reread = modality.Load(first, new LoadOptions());
        Assert.Equal(info, reread.Info);
        Assert.Equal(FieldDecoder.Decode(result.File).Samples, reread.Samples);
    }
}
