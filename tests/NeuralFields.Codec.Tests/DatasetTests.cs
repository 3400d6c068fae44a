using NeuralFields.Codec.Compression;
using NeuralFields.Schema;

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
        File.WriteAllText(Path.Combine(output, "c.jpg.nf"), "");

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
