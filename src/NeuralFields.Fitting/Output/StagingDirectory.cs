using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Fitting.Output;

/// <summary>
/// Collects a command's output files in a hidden sibling folder (.NAME.partial-PID) and moves them into the
/// target folder only when everything succeeded. All or nothing: on a failure while writing, or while moving
/// the files in (a name in the target is a folder, a file cannot be replaced), the target is left as it was.
/// Stopping the process removes the staging folder (<see cref="PartialOutputs"/>); one left by a killed
/// process is removed by the next run into the same target.
/// </summary>
public sealed class StagingDirectory : IDisposable
{
    private readonly string _target;
    private bool _committed;

    public StagingDirectory(string target)
    {
        _target = OutputPath.PrepareFolder(target);
        var parent = Path.GetDirectoryName(_target) ?? ".";
        var prefix = $".{Path.GetFileName(_target)}.partial-";
        PartialOutputs.RemoveStale(parent, prefix);
        Folder = Path.Combine(parent, prefix + Environment.ProcessId);
        PartialOutputs.Add(Folder);
        try
        {
            if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
            Directory.CreateDirectory(Folder);
        }
        catch (Exception e) when (OutputPath.IsIoFailure(e))
        {
            PartialOutputs.Remove(Folder);
            throw OutputPath.CannotWrite(Folder, e);
        }
    }

    /// <summary>Where to write; files appear in the target only after <see cref="Commit"/>.</summary>
    public string Folder { get; }

    /// <summary>The target folder's full path.</summary>
    public string Target => _target;

    public string PathOf(string fileName) => Path.Combine(Folder, fileName);

    /// <summary>Where <paramref name="fileName"/> will be once committed.</summary>
    public string TargetOf(string fileName) => Path.Combine(_target, fileName);

    /// <summary>
    /// Moves the staged files in, in name order; an existing file is first set aside in the staging folder, so
    /// a failure part way puts every replaced file back and removes the new ones. Refused before anything moves
    /// when a staged file would replace one of <paramref name="inputs"/> (the files the command read).
    /// </summary>
    public void Commit(params IEnumerable<string> inputs)
    {
        var names = Directory.GetFiles(Folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        foreach (var name in names)
            OutputPath.RefuseReplacing(TargetOf(name), inputs);
        try
        {
            Directory.CreateDirectory(_target);
        }
        catch (Exception e) when (OutputPath.IsIoFailure(e))
        {
            throw OutputPath.CannotWrite(_target, e);
        }
        var previous = Path.Combine(Folder, ".previous");
        Directory.CreateDirectory(previous);
        var done = new List<(string Name, bool Replaced, bool MovedIn)>();
        foreach (var name in names)
        {
            var destination = TargetOf(name);
            bool replaced = false;
            try
            {
                if (Directory.Exists(destination))
                    throw new NeuralFieldsException($"{destination} is a folder; the run's {name} cannot replace it (nothing in {_target} was changed)");
                if (File.Exists(destination))
                {
                    File.Move(destination, Path.Combine(previous, name));
                    replaced = true;
                }
                File.Move(PathOf(name), destination);
                done.Add((name, replaced, true));
            }
            catch (Exception e) when (e is NeuralFieldsException || OutputPath.IsIoFailure(e))
            {
                done.Add((name, replaced, false));
                RollBack(done, previous);
                throw e as NeuralFieldsException
                    ?? new NeuralFieldsException($"cannot write {destination}: {e.Message.TrimEnd('.')} (nothing in {_target} was changed)", e);
            }
        }
        _committed = true;
        RemoveStaging();
    }

    public void Dispose()
    {
        if (!_committed) RemoveStaging();
    }

    private void RemoveStaging()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
        PartialOutputs.Remove(Folder);
    }

    /// <summary>Undoes the moves done so far, newest first: each new file back to staging, each replaced one back in place.</summary>
    private void RollBack(List<(string Name, bool Replaced, bool MovedIn)> done, string previous)
    {
        for (int i = done.Count - 1; i >= 0; i--)
        {
            var (name, replaced, movedIn) = done[i];
            if (movedIn) File.Move(TargetOf(name), PathOf(name));
            if (replaced) File.Move(Path.Combine(previous, name), TargetOf(name));
        }
    }
}
