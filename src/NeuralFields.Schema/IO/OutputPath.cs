namespace NeuralFields.Schema.IO;

/// <summary>
/// Checks every output path the same way before anything is written: a missing parent folder is created,
/// an existing folder or an unwritable place is refused in one line, and an output that is one of the
/// command's inputs (after resolving links) is refused instead of replacing the source.
/// </summary>
public static class OutputPath
{
    /// <summary>The full path of a file to write, with its parent folder created.</summary>
    public static string PrepareFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new NeuralFieldsException($"{full} is a folder; give the output a file name");
        CreateParent(full);
        return full;
    }

    /// <summary>The full path of a folder to write into, with its parent created; an existing file there is refused.</summary>
    public static string PrepareFolder(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            throw new NeuralFieldsException($"{full} is a file; the output must be a folder");
        CreateParent(full);
        return full;
    }

    /// <summary>Refuses <paramref name="output"/> when it is (or links to) any of <paramref name="inputs"/>.</summary>
    public static void RefuseReplacing(string output, params IEnumerable<string> inputs)
    {
        var target = Canonical(output);
        foreach (var input in inputs)
            if (string.Equals(target, Canonical(input), StringComparison.Ordinal))
                throw new NeuralFieldsException($"the output {Path.GetFullPath(output)} is the input {Path.GetFullPath(input)}; writing it would replace the source");
    }

    /// <summary>The path with every link along it resolved (the parts that exist), so two names of one file compare equal.</summary>
    public static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            for (int hops = 0; hops < 40; hops++)
            {
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (!info.Exists || info.LinkTarget is not { } link) break;
                current = Path.GetFullPath(link, Path.GetDirectoryName(current) ?? root);
            }
        }
        return current;
    }

    /// <summary>An I/O failure of writing <paramref name="path"/> as one line for the user (bad permissions, a full disk, a file where a folder should be).</summary>
    public static NeuralFieldsException CannotWrite(string path, Exception e) =>
        new($"cannot write {Path.GetFullPath(path)}: {Reason(e)}", e);

    public static bool IsIoFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    private static void CreateParent(string full)
    {
        var parent = Path.GetDirectoryName(full);
        if (parent is null) return;
        try
        {
            Directory.CreateDirectory(parent);
        }
        catch (Exception e) when (IsIoFailure(e))
        {
            throw new NeuralFieldsException($"cannot create the folder {parent}: {Reason(e)}", e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        _ => e.Message.TrimEnd('.'),
    };
}
