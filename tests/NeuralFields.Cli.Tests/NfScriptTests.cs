using System.Diagnostics;

namespace NeuralFields.Cli.Tests;

/// <summary>The `./nf` launcher rebuilds only when a source is newer than its build, never for build outputs.</summary>
public sealed class NfScriptTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nf-script-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Script() => Repository.PathOf("nf");

    private void Write(string relative, DateTime time)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, time);
    }

    /// <summary>Runs the script's own needs_build function against the fake tree.</summary>
    private bool NeedsBuild()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"root='{_root}'; dll=\"$root/.nf-build/nf.dll\"; eval \"$(sed -n '/^needs_build() {{/,/^}}/p' '{Script()}')\"; needs_build && echo yes || echo no");
        using var process = Process.Start(start)!;
        string answer = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return answer == "yes";
    }

    [Fact]
    public void Files_under_bin_and_obj_do_not_trigger_a_rebuild_but_sources_do()
    {
        if (OperatingSystem.IsWindows()) return;   // the launcher is a bash script
        var built = DateTime.UtcNow.AddHours(-1);
        Write(".nf-build/nf.dll", built);
        Write("src/NeuralFields.Cli/Program.cs", built.AddMinutes(-5));
        Write("src/NeuralFields.Cli/obj/project.assets.json", built.AddMinutes(5));   // what `dotnet test` rewrites
        Write("src/NeuralFields.Cli/obj/Release/net10.0/nf.AssemblyInfo.cs", built.AddMinutes(5));
        Write("src/NeuralFields.Cli/bin/Release/net10.0/nf.runtimeconfig.json", built.AddMinutes(5));
        Assert.False(NeedsBuild());

        Write("src/NeuralFields.Cli/Program.cs", built.AddMinutes(5));
        Assert.True(NeedsBuild());
    }
}
