using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Tests;

/// <summary>The shell of superres, inpaint and experiment: bad input, one line, exit 2, nothing written (the work itself is tested in NeuralFields.Fitting.Tests).</summary>
public sealed class RestorationCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-restore-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Any small image: these inputs are refused before anything is fitted.</summary>
    private static ImageSignal Gray8x8() => new(8, 8, 3, 8, Enumerable.Range(0, 192).Select(i => (ushort)(i % 256)).ToArray());

    private string Save(string name, ImageSignal image)
    {
        var path = Path.Combine(_folder, name);
        ImageFile.SavePng(path, image);
        return path;
    }

    public static TheoryData<string, string[]> BadInputs() => new()
    {
        { "image not found", ["superres", "{dir}/missing.png", "--scale", "2", "-o", "{dir}/out.png"] },
        { "--scale must be a whole number from 2 to 64, got '1'", ["superres", "{img}", "--scale", "1", "-o", "{dir}/out.png"] },
        { "got '2.5'", ["superres", "{img}", "--scale", "2.5", "-o", "{dir}/out.png"] },
        { "got 'two'", ["superres", "{img}", "--scale", "two", "-o", "{dir}/out.png"] },
        { "over the limit", ["superres", "{img}", "--scale", "8", "--max-pixels", "1000", "-o", "{dir}/out.png"] },
        { "mask not found", ["inpaint", "{img}", "--mask", "{dir}/none.png", "-o", "{dir}/out.png"] },
        { "is 4x4 but small.png is 8x8", ["inpaint", "{img}", "--mask", "{dir}/mask4.png", "-o", "{dir}/out.png"] },
        { "keeps no pixel", ["inpaint", "{img}", "--mask", "{dir}/black.png", "-o", "{dir}/out.png"] },
        { "image not found", ["inpaint", "{dir}/missing.png", "--mask", "{dir}/black.png", "-o", "{dir}/out.png"] },
        { "image folder not found", ["experiment", "superres", "--images", "{dir}/nothing", "--out", "{dir}/out"] },
        { "no images in", ["experiment", "inpaint", "--images", "{dir}/empty", "--out", "{dir}/out"] },
        { "--scale must be a whole number", ["experiment", "superres", "--images", "{dir}/imgs", "--scale", "2,0", "--out", "{dir}/out"] },
        { "smaller than the scale 16", ["experiment", "superres", "--images", "{dir}/imgs", "--scale", "16", "--out", "{dir}/out"] },
        { "unknown mask 'circle'", ["experiment", "inpaint", "--images", "{dir}/imgs", "--masks", "random:0.5,circle", "--out", "{dir}/out"] },
        { "unknown preset 'fancy'", ["experiment", "inpaint", "--images", "{dir}/imgs", "--presets", "siren,fancy", "--out", "{dir}/out"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_one_error_line_exit_2_and_writes_nothing(string expected, string[] args)
    {
        var image = Save("small.png", Gray8x8());
        Save("mask4.png", new PixelMask(4, 4, Enumerable.Repeat(true, 16).ToArray()).ToImage());
        Save("black.png", new PixelMask(8, 8, new bool[64]).ToImage());
        Directory.CreateDirectory(Path.Combine(_folder, "empty"));
        Directory.CreateDirectory(Path.Combine(_folder, "imgs"));
        ImageFile.SavePng(Path.Combine(_folder, "imgs", "a.png"), Gray8x8());
        var resolved = args.Select(a => a.Replace("{dir}", _folder).Replace("{img}", image)).ToArray();

        var result = Nf.Run(resolved);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.StartsWith("error: ", result.Error);
        Assert.False(File.Exists(Path.Combine(_folder, "out.png")));
        Assert.False(Directory.Exists(Path.Combine(_folder, "out")));
    }
}
