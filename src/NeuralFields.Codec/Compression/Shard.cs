using System.Globalization;
using NeuralFields.Schema;

namespace NeuralFields.Codec.Compression;

/// <summary>
/// Part K of N of a dataset (0 ≤ K &lt; N): file i of the sorted list belongs to shard i mod N, so N
/// independent jobs (a Slurm array, a Kubernetes indexed Job) cover every file once, with no coordinator.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard All { get; } = new(0, 1);

    public bool Owns(int fileIndex) => fileIndex % Count == Index;

    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            && count >= 1 && index < count)
            return new Shard(index, count);
        throw new NeuralFieldsException($"--shard must be K/N with 0 <= K < N (for example 0/4), got '{text}'");
    }

    public override string ToString() => $"{Index}/{Count}";
}
