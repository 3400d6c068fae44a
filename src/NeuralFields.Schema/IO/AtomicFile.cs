namespace NeuralFields.Schema.IO;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so a failure never leaves half a file. The path is
/// checked first (<see cref="OutputPath.PrepareFile"/>: parent created, a folder refused) and I/O failures
/// become one line for the user.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = OutputPath.PrepareFile(path);
        var folder = Path.GetDirectoryName(full)!;
        var prefix = $".{Path.GetFileName(full)}.";
        PartialOutputs.RemoveStale(folder, prefix, ".partial");
        var temp = Path.Combine(folder, $"{prefix}{Environment.ProcessId}.partial");
        PartialOutputs.Add(temp);
        try
        {
            using (var stream = File.Create(temp))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (OutputPath.IsIoFailure(e))
        {
            throw OutputPath.CannotWrite(full, e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            PartialOutputs.Remove(temp);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s); w.Write(text); });
}
