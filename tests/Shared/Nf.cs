using System.Diagnostics;

namespace NeuralFields.Tests;

/// <summary>
/// Runs the real `nf` program (nf.dll next to the tests) as a user would, with a time limit. Shared by
/// the test projects that drive the CLI (linked into each, see their .csproj).
/// </summary>
internal static class Nf
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nf.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))   // generous: a loaded 2-core machine runs fits many times slower
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nf {string.Join(' ', args)} did not finish");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }
}
