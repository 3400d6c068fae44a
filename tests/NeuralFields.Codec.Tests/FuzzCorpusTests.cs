using NeuralFields.Fuzz;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Tests;

/// <summary>
/// Replays tests/fuzz-corpus/TARGET/* (inputs afl-fuzz found crashing, one file each, kept as found: they are at most
/// 241 bytes, and afl-tmin run on the fixed code can only preserve the refusal path, which shrank them into inputs
/// that no longer hold the condition they test) through the same
/// harness tools/fuzz.sh runs: each must now be accepted or refused with the project's own one-line error, within
/// the harness's allocation bound (issue 19). No afl needed; wall-clock bounds are the fuzzer's, not checked here.
/// </summary>
public sealed class FuzzCorpusTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("nf-fuzz-corpus-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static string Corpus => Path.Combine(AppContext.BaseDirectory, "fuzz-corpus");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in Directory.GetDirectories(Corpus).Order(StringComparer.Ordinal))
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(folder), Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void A_crash_the_fuzzer_found_is_now_a_clean_answer(string target, string file)
    {
        var harness = FuzzTargets.Get(target, checkTime: false);
        harness.Run(File.ReadAllBytes(Path.Combine(Corpus, target, file)), _scratch);   // throws on any other exception or bound
    }

    [Theory]
    [InlineData("tiff-218-bits-per-sample")]
    [InlineData("bmp-huge-depth")]
    public void An_image_declaring_absurd_bits_per_pixel_is_refused_before_decoding(string file)
    {
        // Decoded, the TIFF took seconds and about 800 MB for 4x3 pixels; the header says enough to refuse it.
        var path = Path.Combine(_scratch, file + ".img");
        File.Copy(Path.Combine(Corpus, "image", file), path);
        var e = Assert.Throws<NeuralFieldsException>(() => Signals.Image.ImageFile.Load(path));
        Assert.Contains("bits per pixel", e.Message);
        Assert.DoesNotContain("cannot decode", e.Message);
    }

    [Fact]
    public void Every_target_has_a_harness_and_every_corpus_folder_names_one()
    {
        var names = FuzzTargets.All().Select(t => t.Name).ToHashSet();
        Assert.Equal(8, names.Count);
        foreach (var folder in Directory.GetDirectories(Corpus))
            Assert.Contains(Path.GetFileName(folder), names);
    }

    [Fact]
    public void The_harness_counts_an_exception_that_is_not_ours_as_a_crash()
    {
        // A mesh file the reader accepts and a config with an unknown field: accepted / refused, never thrown.
        Assert.True(FuzzTargets.Get("obj").Run("v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n"u8.ToArray(), _scratch));
        Assert.False(FuzzTargets.Get("config").Run("{\"nope\": 1}"u8.ToArray(), _scratch));
        Assert.Throws<FuzzBoundException>(() => new Allocating().Run([], _scratch));
    }

    /// <summary>A parser that allocates past the bound.</summary>
    private sealed class Allocating : FuzzTarget
    {
        public override string Name => "allocating";

        public override string Description => "test";

        public override IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch) => [];

        protected override void Parse(byte[] input, string scratch)
        {
            for (int i = 0; i < 40; i++) GC.KeepAlive(new byte[8 << 20]);
        }
    }
}
