namespace NeuralFields.Fitting.Output;

/// <summary>
/// Collects a command's output files in a hidden sibling folder and moves them into the target
/// folder only when everything succeeded; on failure the target is left as it was.
/// </summary>
public sealed class StagingDirectory : IDisposable
{
    private readonly string _target;
    private bool _committed;

    public StagingDirectory(string target)
    {
        _target = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(_target) ?? ".";
        Directory.CreateDirectory(parent);
        Folder = Path.Combine(parent, $".{Path.GetFileName(_target)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        Directory.CreateDirectory(Folder);
    }

    /// <summary>Where to write; files appear in the target only after <see cref="Commit"/>.</summary>
    public string Folder { get; }

    public string PathOf(string fileName) => Path.Combine(Folder, fileName);

    public void Commit()
    {
        Directory.CreateDirectory(_target);
        foreach (var file in Directory.GetFiles(Folder))
            File.Move(file, Path.Combine(_target, Path.GetFileName(file)), overwrite: true);
        _committed = true;
        Directory.Delete(Folder, recursive: true);
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }
}
