using System.Diagnostics;
using System.Globalization;

namespace NeuralFields.Schema.IO;

/// <summary>
/// Temporary files and folders that outputs are written through (named after the process that writes them):
/// the ones this process has open are removed when it is stopped (<see cref="RemoveAll"/>, called on
/// SIGINT/SIGTERM and at exit), and ones left by processes that no longer run are removed by the next writer.
/// </summary>
public static class PartialOutputs
{
    private static readonly HashSet<string> Open = new(StringComparer.Ordinal);

    public static void Add(string path)
    {
        lock (Open) Open.Add(path);
    }

    public static void Remove(string path)
    {
        lock (Open) Open.Remove(path);
    }

    /// <summary>Deletes every partial output this process still has; safe to call from a signal handler or at exit.</summary>
    public static void RemoveAll()
    {
        string[] paths;
        lock (Open) paths = [.. Open];
        foreach (var path in paths)
            Delete(path);
    }

    /// <summary>
    /// Deletes entries of <paramref name="folder"/> named <paramref name="prefix"/>PID<paramref name="suffix"/>
    /// whose process no longer runs (left by a killed run).
    /// </summary>
    public static void RemoveStale(string folder, string prefix, string suffix = "")
    {
        if (!Directory.Exists(folder)) return;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(folder, prefix + "*" + suffix).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            var pid = name.Substring(prefix.Length, name.Length - prefix.Length - suffix.Length);
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id != Environment.ProcessId && !IsRunning(id))
                Delete(entry);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: another process may be removing it, or the folder is read-only.
        }
        Remove(path);
    }
}
