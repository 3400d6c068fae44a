namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// The encoder's search for earlier copies (docs/format.md §10.6 does not fix it: any parse decodes): hash chains on
/// three bytes, walked to a bounded depth, every position before the one asked about inserted first.
/// </summary>
internal sealed class MatchFinder
{
    private const int HashBits = 16;

    private readonly byte[] _data;
    private readonly int[] _head, _previous;
    private readonly int _depth;
    private int _inserted;

    public MatchFinder(ReadOnlySpan<byte> data)
    {
        _data = data.ToArray();
        _head = new int[1 << HashBits];
        Array.Fill(_head, -1);
        _previous = new int[Math.Max(1, data.Length)];
        // Small inputs are searched deeply (they are the ones the matches mode wins); large ones stay fast.
        _depth = data.Length <= 1 << 20 ? 256 : 32;
    }

    /// <summary>How many bytes at <paramref name="p"/> equal those <paramref name="distance"/> before (0 when that is before the start).</summary>
    public int Length(int p, int distance)
    {
        if (distance < 1 || distance > p || distance > MatchCoding.MaxValue) return 0;
        int limit = Math.Min(_data.Length - p, MatchCoding.MaxValue), n = 0;        // lengths − 2 stay below the count model's range
        while (n < limit && _data[p + n] == _data[p - distance + n]) n++;
        return n;
    }

    /// <summary>The longest copy for position <paramref name="p"/> and where it starts (length 0 when none).</summary>
    public (int Length, int At) Longest(int p)
    {
        Insert(p);
        if (p + 3 > _data.Length) return (0, 0);
        int best = 0, at = 0, steps = 0;
        for (int q = _head[Hash(p)]; q >= 0 && steps < _depth; q = _previous[q], steps++)
        {
            if (p - q > MatchCoding.MaxValue) break;
            if (p + best < _data.Length && _data[q + best] != _data[p + best]) continue;      // cannot beat the best
            int n = Length(p, p - q);
            if (n > best) (best, at) = (n, q);
            if (p + best >= _data.Length) break;
        }
        return (best, at);
    }

    /// <summary>Adds every position before <paramref name="p"/> to the chains.</summary>
    private void Insert(int p)
    {
        for (; _inserted < p; _inserted++)
        {
            if (_inserted + 3 > _data.Length) continue;
            int h = Hash(_inserted);
            _previous[_inserted] = _head[h];
            _head[h] = _inserted;
        }
    }

    private int Hash(int p) => (int)(((uint)(_data[p] << 16 | _data[p + 1] << 8 | _data[p + 2]) * 2654435761u) >> (32 - HashBits));
}
