namespace NeuralFields.Cli.Tests;

/// <summary>The checkout the tests run from (found by walking up to NeuralFields.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuralFields.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("NeuralFields.sln was not found above the test folder");
    }
}
