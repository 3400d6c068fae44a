namespace NeuralFields.Cli.Tests;

/// <summary>What the README promises users where a number or a rule could mislead them.</summary>
public sealed class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(Repository.PathOf("README.md"));

    private static string Section(string heading)
    {
        int start = Readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}'");
        int end = Readme.IndexOf("\n#", start + heading.Length, StringComparison.Ordinal);
        return Readme[start..(end < 0 ? Readme.Length : end)];
    }

    [Fact]
    public void The_jpeg_comparison_says_imagesharps_encoder_is_about_3_dB_behind_libjpeg()
    {
        var codec = Section("### Neural files against JPEG and PNG");
        Assert.Contains("libjpeg", codec);
        Assert.Contains("about 3 dB weaker", codec);
        Assert.Contains("28.5–28.9 dB", codec);
    }
}
