using System.Diagnostics;
using NeuralFields.Schema;

namespace NeuralFields.Fuzz;

/// <summary>An input broke one of the harness's bounds: afl-fuzz counts it as a crash, the corpus test as a failure.</summary>
public sealed class FuzzBoundException(string message) : Exception(message);

/// <summary>
/// One parser under fuzzing: the entry point the CLI uses, fed the input as a file in a scratch folder. Only the
/// project's own error (<see cref="NeuralFieldsException"/>: one line, exit 2) is a clean failure; any other
/// exception escapes (a crash for afl-fuzz), and so does an input that allocates more than
/// <see cref="MaxAllocatedBytes"/> or (when <see cref="CheckTime"/>) takes longer than <see cref="MaxSeconds"/>.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>Managed bytes one input may allocate (the process runs with a 1 GiB GC heap limit on top).</summary>
    public const long MaxAllocatedBytes = 256L << 20;

    public const double MaxSeconds = 1.0;

    private bool _warm;

    public abstract string Name { get; }

    public abstract string Description { get; }

    /// <summary>Wall-clock bound per input; off where timing would be noise (the corpus replay in CI).</summary>
    public bool CheckTime { get; init; } = true;

    /// <summary>Small valid inputs, written by the harness itself, that afl-fuzz starts from.</summary>
    public abstract IEnumerable<(string Name, byte[] Bytes)> Seeds(string scratch);

    /// <summary>Parses one input the way the CLI does; only the project's own exceptions may escape.</summary>
    protected abstract void Parse(byte[] input, string scratch);

    /// <summary>True when the input was accepted, false when refused with the project's own error; throws otherwise.</summary>
    public bool Run(byte[] input, string scratch)
    {
        long before = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        bool accepted;
        try
        {
            Parse(input, scratch);
            accepted = true;
        }
        catch (NeuralFieldsException e) when (!e.Message.Contains('\n'))
        {
            accepted = false;
        }
        long allocated = GC.GetTotalAllocatedBytes() - before;
        if (allocated > MaxAllocatedBytes)
            throw new FuzzBoundException($"{Name}: one input allocated {allocated >> 20} MiB (bound {MaxAllocatedBytes >> 20} MiB)");
        // The first input of a process also pays for JIT compilation and native library loading.
        if (CheckTime && _warm && clock.Elapsed.TotalSeconds > MaxSeconds)
            throw new FuzzBoundException($"{Name}: one input took {clock.Elapsed.TotalSeconds:F2} s (bound {MaxSeconds} s)");
        _warm = true;
        return accepted;
    }

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="name"/> in the scratch folder and returns its path.</summary>
    protected static string Write(string scratch, string name, ReadOnlySpan<byte> bytes)
    {
        var path = Path.Combine(scratch, name);
        using (var file = File.Create(path))
            file.Write(bytes);
        return path;
    }
}
