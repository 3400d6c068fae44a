using System.Diagnostics;
using System.Globalization;

namespace NeuralFields.Benchmarks;

/// <summary>Peak resident memory of a whole `nf` process, as the system counts it (a process of its own, so nothing else shares its heap).</summary>
internal static class PeakMemory
{
    /// <summary>The nf.dll the benchmark runs (given, or beside the benchmark); null, after saying how to build one, when it is missing.</summary>
    public static string? FindNf(string? given)
    {
        string nf = given ?? Path.Combine(AppContext.BaseDirectory, "nf.dll");
        if (File.Exists(nf)) return nf;
        Console.Error.WriteLine($"no nf.dll at {nf}: build the CLI (./nf --help) and pass --nf .nf-build/nf.dll");
        return null;
    }

    /// <summary>Runs `dotnet nf.dll ARGS` under /usr/bin/time -v: exit code, peak resident bytes, wall seconds.</summary>
    public static (int Exit, long PeakBytes, double Seconds) Measure(string nf, string[] arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-v", "dotnet", nf }.Concat(arguments)) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.Wait();
        var line = errors.Split('\n').FirstOrDefault(l => l.Contains("Maximum resident set size", StringComparison.Ordinal));
        long peak = line is null ? 0 : long.Parse(line.Split(':')[1].Trim(), CultureInfo.InvariantCulture) * 1024;
        if (process.ExitCode != 0) Console.Error.WriteLine(errors.Split('\n').FirstOrDefault(l => l.StartsWith("error", StringComparison.Ordinal)) ?? errors);
        return (process.ExitCode, peak, clock.Elapsed.TotalSeconds);
    }
}
