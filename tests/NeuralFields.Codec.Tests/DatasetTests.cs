using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Tests;

public sealed class DatasetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-dataset-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Shards_split_the_sorted_files_by_index_and_done_files_are_skipped()
    {
        var input = Path.Combine(_folder, "in");
        var output = Path.Combine(_folder, "out");
        Directory.CreateDirectory(Path.Combine(input, "sub"));
        foreach (var name in new[] { "b.png", "a.png", "c.jpg", "sub/d.png", "notes.txt", ".hidden.png" })
            File.WriteAllText(Path.Combine(input, name), "");
        Directory.CreateDirectory(output);
        File.WriteAllBytes(Path.Combine(output, "c.jpg.nf"), ValidFile());

        // Sorted: a.png, b.png, c.jpg, sub/d.png; shard 1/2 takes indices 1 and 3.
        var shard = DatasetPlan.For(input, output, new Shard(1, 2));
        Assert.Equal(["b.png", "sub/d.png"], shard.Select(i => i.RelativePath));
        Assert.Equal(Path.Combine(output, "sub/d.png.nf"), shard[1].Output);
        var all = DatasetPlan.For(input, output, Shard.All);
        Assert.Equal(4, all.Count);
        Assert.Equal([false, false, true, false], all.Select(i => i.Done));
        var union = Enumerable.Range(0, 3).SelectMany(k => DatasetPlan.For(input, output, new Shard(k, 3))).Select(i => i.RelativePath).Order();
        Assert.Equal(all.Select(i => i.RelativePath).Order(), union);
    }

    /// <summary>A small, whole neural file (zero weights: only its structure matters here).</summary>
    private static byte[] ValidFile()
    {
        var config = new FieldConfig
        {
            Encoding = new IdentityEncodingConfig(),
            Network = new MlpConfig { HiddenLayers = 1, Width = 4, Activation = new ReluActivationConfig() },
            Head = new LinearHeadConfig(),
        };
        var signal = new SignalInfo("image", [4, 4], 3, 8);
        var tensors = ModelLayout.Tensors(config, signal)
            .Select(t => new QuantizedTensor(t.Name, t.Shape, 8, QuantizationGranularity.Tensor, [0.01f], new int[t.Shape.Aggregate(1, (a, d) => a * d)]))
            .ToList();
        return NeuralFileWriter.Write(signal, config, tensors);
    }

    [Fact]
    public void Only_existing_files_that_verify_count_as_done()
    {
        var input = Path.Combine(_folder, "in");
        var output = Path.Combine(_folder, "out");
        Directory.CreateDirectory(input);
        Directory.CreateDirectory(output);
        var valid = ValidFile();
        var existing = new Dictionary<string, byte[]?>
        {
            ["whole.png"] = valid,
            ["empty.png"] = [],
            ["cut.png"] = valid[..^5],
            ["flipped.png"] = valid.Select((b, i) => i == valid.Length - 8 ? (byte)(b ^ 1) : b).ToArray(),
            ["text.png"] = "not a neural file"u8.ToArray(),
            ["missing.png"] = null,
        };
        foreach (var (name, bytes) in existing)
        {
            File.WriteAllText(Path.Combine(input, name), "");
            if (bytes is not null) File.WriteAllBytes(Path.Combine(output, name + ".nf"), bytes);
        }
        var done = DatasetPlan.For(input, output, Shard.All).Where(i => i.Done).Select(i => i.RelativePath);
        Assert.Equal(["whole.png"], done);
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void Shards_parse(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("1")]
    [InlineData("-1/3")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    public void Bad_shards_are_refused(string text) => Assert.Throws<NeuralFieldsException>(() => Shard.Parse(text));
}
