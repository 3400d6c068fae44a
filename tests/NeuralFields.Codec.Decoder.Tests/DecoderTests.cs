using System.IO.Hashing;
using System.Runtime.InteropServices;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Tests;

public class DecoderTests
{
    public static TheoryData<string> Models => new() { "siren", "relu-positional", "relu-rff-sigmoid", "hashgrid", "bitplane", "bitplane-coordinate" };

    private static (FieldConfig Config, SignalInfo Signal) Model(string name) => name switch
    {
        "siren" => (TestFiles.Siren(), TestFiles.Image(9, 7)),
        "relu-positional" => (TestFiles.Siren(2, 12, new PositionalEncodingConfig { Octaves = 3 }, activation: new ReluActivationConfig()), TestFiles.Image(9, 7, 1, 16)),
        "relu-rff-sigmoid" => (TestFiles.Siren(2, 12, new GaussianFourierConfig { Features = 8, Sigma = 3, Seed = 4 }, new SigmoidHeadConfig(), new ReluActivationConfig()), TestFiles.Image(9, 7, 4)),
        "hashgrid" => (TestFiles.Siren(1, 8, new HashGridConfig { NLevels = 3, Log2HashmapSize = 6, BaseResolution = 2, PerLevelScale = 1.5 }, activation: new ReluActivationConfig()), TestFiles.Image(9, 7)),
        "bitplane" => (TestFiles.Siren(2, 12, head: new BitPlaneHeadConfig()), TestFiles.Image(9, 7, 2)),
        _ => (TestFiles.Siren(2, 12, head: new BitPlaneCoordinateHeadConfig()), TestFiles.Image(9, 7, 3, 16)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Lossless_files_decode_to_their_source_exactly(string name)
    {
        var (config, signal) = Model(name);
        var source = TestFiles.Samples(signal);
        var bytes = TestFiles.File(config, signal, TestFiles.Tensors(config, signal, granularity: QuantizationGranularity.Row), source);
        var decoded = FieldDecoder.Decode(bytes);
        Assert.Equal(signal, decoded.Info);
        Assert.Equal(source, decoded.Samples);
    }

    [Fact]
    public void The_same_file_decodes_to_the_same_samples_every_time()
    {
        var (config, signal) = Model("relu-rff-sigmoid");
        var bytes = TestFiles.File(config, signal, TestFiles.Tensors(config, signal));
        Assert.Equal(FieldDecoder.Decode(bytes).Samples, FieldDecoder.Decode(bytes).Samples);
    }

    /// <summary>
    /// The decoded bits of a fixed file per model type, pinned: another machine, OS or vector width must
    /// decode the same file to the same samples (the golden values were computed once and never edited to pass).
    /// </summary>
    [Theory]
    [InlineData("siren", 2456913221u)]
    [InlineData("relu-positional", 1076935096u)]
    [InlineData("relu-rff-sigmoid", 4257761146u)]
    [InlineData("hashgrid", 3355772148u)]
    [InlineData("bitplane", 633617541u)]
    [InlineData("bitplane-coordinate", 2231646878u)]
    public void Lossy_files_decode_to_pinned_bits(string name, uint crc)
    {
        var (config, signal) = Model(name);
        var bytes = TestFiles.File(config, signal, TestFiles.Tensors(config, signal, seed: 11));
        var file = NeuralFileReader.Read(bytes);
        var values = FieldDecoder.Evaluator(file).Values();
        var samples = FieldDecoder.Decode(file).Samples;
        uint actual = Crc32.HashToUInt32(MemoryMarshal.AsBytes(values.AsSpan())) ^ Crc32.HashToUInt32(MemoryMarshal.AsBytes(samples.AsSpan()));
        Assert.Equal(crc, actual);
    }

    [Fact]
    public void Multiply_add_rounds_the_product_before_the_sum_at_every_vector_width()
    {
        // a·b = 1 − 2^-60 exactly; rounded it is 1, so the unfused result is 0 and a fused one −2^-60.
        float a = 1f + MathF.Pow(2, -30), b = 1f - MathF.Pow(2, -30);
        foreach (int length in new[] { 1, 3, 8, 16, 37, 100 })
        {
            var acc = Enumerable.Repeat(-1f, length).ToArray();
            var x = Enumerable.Repeat(b, length).ToArray();
            Kernels.MultiplyAdd(acc, x, a);
            Assert.All(acc, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Bit_coordinates_follow_torch_linspace()
    {
        Assert.Equal(-1f, FieldEvaluator.BitCoordinate(0, 8));
        Assert.Equal(1f, FieldEvaluator.BitCoordinate(7, 8));
        for (int i = 0; i < 16; i++) Assert.Equal(-1.0 + 2.0 * i / 15, FieldEvaluator.BitCoordinate(i, 16), 1e-6);
        Assert.Equal(-1f, FieldEvaluator.BitCoordinate(0, 1));
    }

    [Fact]
    public void Unsupported_components_are_named()
    {
        var config = new FieldConfig
        {
            Encoding = new ShiftedGaussianConfig { Centers = 8, Sigma = 0.1 },
            Network = new MlpConfig { HiddenLayers = 1, Width = 4, Activation = new SpderActivationConfig() },
            Head = new LinearHeadConfig(),
        };
        Assert.Equal(["encoding 'shifted_gaussian'", "activation 'spder'"], ModelLayout.Unsupported(config));
        var message = Assert.Throws<NeuralFieldsException>(() => ModelLayout.RequireSupported(config)).Message;
        Assert.Contains("shifted_gaussian", message);
        Assert.Contains("spder", message);
    }
}
