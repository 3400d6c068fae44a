using System.Diagnostics;
using NeuralFields.Schema.IO;

namespace NeuralFields.Schema.Tests;

/// <summary>
/// How every output is written (issue 13 items 7, 10, 13): never over an input (also through a link), parents
/// created, a folder or an unwritable place refused in one line, partial files removed on the way out and
/// stale ones of dead processes by the next writer.
/// </summary>
public sealed class OutputFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-output-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public void An_output_that_is_an_input_is_refused_also_through_a_link_to_it_or_to_its_folder()
    {
        File.WriteAllText(PathOf("a.png"), "source");
        File.CreateSymbolicLink(PathOf("link.png"), PathOf("a.png"));
        Directory.CreateDirectory(PathOf("real"));
        File.WriteAllText(PathOf("real/b.nf"), "source");
        Directory.CreateSymbolicLink(PathOf("alias"), PathOf("real"));

        foreach (var (output, input) in new[] { ("a.png", "a.png"), ("./a.png", "a.png"), ("link.png", "a.png"), ("a.png", "link.png"), ("alias/b.nf", "real/b.nf") })
        {
            var e = Assert.Throws<NeuralFieldsException>(() => OutputPath.RefuseReplacing(PathOf(output), PathOf("other"), PathOf(input)));
            Assert.Contains("would replace the source", e.Message);
        }
        OutputPath.RefuseReplacing(PathOf("a.nf"), PathOf("a.png"));              // a different file is fine
        OutputPath.RefuseReplacing(PathOf("new/x.png"), PathOf("a.png"));         // also one that does not exist yet
        Assert.Equal("source", File.ReadAllText(PathOf("a.png")));
    }

    [Fact]
    public void Atomic_writes_create_missing_parents_and_refuse_folders_and_unwritable_places_in_one_line()
    {
        AtomicFile.WriteAllText(PathOf("missing/deeper/out.txt"), "written");
        Assert.Equal("written", File.ReadAllText(PathOf("missing/deeper/out.txt")));

        Directory.CreateDirectory(PathOf("folder"));
        var folder = Assert.Throws<NeuralFieldsException>(() => AtomicFile.WriteAllText(PathOf("folder"), "x"));
        Assert.Contains("is a folder", folder.Message);

        File.WriteAllText(PathOf("file"), "x");                                      // a file where a folder should be
        var blocked = Assert.Throws<NeuralFieldsException>(() => AtomicFile.WriteAllText(PathOf("file/out.txt"), "x"));
        Assert.Contains("cannot create the folder", blocked.Message);
        foreach (var message in new[] { folder.Message, blocked.Message }) Assert.DoesNotContain("\n", message);
        Assert.Empty(Directory.GetFiles(_folder, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_write_that_fails_part_way_leaves_neither_the_file_nor_its_temporary()
    {
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(PathOf("half.bin"), s => { s.WriteByte(1); throw new InvalidOperationException("stop"); }));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void Partial_outputs_of_dead_processes_are_removed_and_those_of_live_ones_kept()
    {
        int dead = DeadProcessId();
        Directory.CreateDirectory(PathOf($".run.partial-{dead}"));
        Directory.CreateDirectory(PathOf(".run.partial-1"));                          // init: always running
        File.WriteAllText(PathOf($".out.png.{dead}.partial"), "left by a killed run");

        PartialOutputs.RemoveStale(_folder, ".run.partial-");
        AtomicFile.WriteAllText(PathOf("out.png"), "new");                            // the next writer of out.png tidies its own

        Assert.False(Directory.Exists(PathOf($".run.partial-{dead}")));
        Assert.True(Directory.Exists(PathOf(".run.partial-1")));
        Assert.False(File.Exists(PathOf($".out.png.{dead}.partial")));
        Assert.Equal("new", File.ReadAllText(PathOf("out.png")));
    }

    [Fact]
    public void What_this_process_has_half_written_is_removed_when_it_is_stopped()
    {
        var staging = PathOf(".run.partial-" + Environment.ProcessId);
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "model.ckpt"), "half");
        PartialOutputs.Add(staging);

        PartialOutputs.RemoveAll();                                                   // what the CLI runs at exit and on SIGINT/SIGTERM

        Assert.False(Directory.Exists(staging));
    }

    /// <summary>A process id no process has now: a child that has exited (and been reaped).</summary>
    private static int DeadProcessId()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        child.WaitForExit();
        return child.Id;
    }
}
