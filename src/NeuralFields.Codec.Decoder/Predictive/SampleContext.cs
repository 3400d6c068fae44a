namespace NeuralFields.Codec.Decoder.Predictive;

/// <summary>
/// The causal neighbourhood of one sample (docs/format.md §10.3): the classic prediction p0 (MED for images,
/// 2·x₋₁ − x₋₂ for 1-D signals) and the integer features the network and the plain mode read — same-plane
/// neighbours relative to p0, absolute local gradients, the neighbours' own errors against their p0, and for later
/// planes the co-located, already decoded
/// samples of up to <see cref="ConditioningPlanes"/> earlier planes. Only already decoded samples are read, so the
/// encoder, the trainer and the decoder compute the same numbers.
/// </summary>
public sealed class SampleContext
{
    /// <summary>Earlier planes a plane is conditioned on (the nearest ones).</summary>
    public const int ConditioningPlanes = 3;

    /// <summary>Features each conditioning plane adds: its error against its own p0, its steps from W (or x₋₁) and N (or x₋₂), and |error|.</summary>
    public const int PerConditioningPlane = 4;

    /// <summary>Largest |sample| a plane may hold, so every fixed-point sum stays inside 64 bits.</summary>
    public const int MaxMagnitude = 1 << 17;

    // (dy, dx) of the image neighbours, W N NW NE first (MED and the gradients read them by position).
    private static readonly (int Dy, int Dx)[] ImageOffsets =
        [(0, -1), (-1, 0), (-1, -1), (-1, 1), (0, -2), (-2, 0), (-1, -2), (-2, -1), (-2, 1), (-1, 2)];

    private const int AudioTaps = 16, ImageGradients = 5, AudioGradients = 5;

    /// <summary>The errors of W, N, NW, NE (or x₋₁..x₋₄), then two sums of their magnitudes.</summary>
    private const int Errors = 6;

    private readonly int[][] _planes;
    private readonly int[][] _errors;
    private readonly int[] _start;
    private readonly int _width;
    private readonly bool _gradient;
    private readonly int[] _neighbours = new int[AudioTaps];

    /// <param name="dimensions">[frames] (1-D) or [height, width] (images).</param>
    /// <param name="start">Per plane, the value that stands for the samples before the first (none decoded yet).</param>
    /// <param name="gradient">Images: p0 = W + N − NW (exact on ramps) instead of MED (better at edges).</param>
    public SampleContext(int[][] planes, int[] dimensions, int[] start, bool gradient = false)
    {
        _gradient = gradient;
        if (dimensions.Length is not (1 or 2)) throw new ArgumentException("predictive coding handles 1-D and 2-D signals", nameof(dimensions));
        _planes = planes;
        _errors = planes.Select(p => new int[p?.Length ?? 0]).ToArray();
        _start = start;
        OneDimensional = dimensions.Length == 1;
        _width = dimensions[^1];
    }

    public bool OneDimensional { get; }

    public int Planes => _planes.Length;

    /// <summary>Features of plane <paramref name="plane"/>: neighbours, gradients, then 4 per conditioning plane.</summary>
    public int FeatureCount(int plane) => FeatureCount(OneDimensional, plane);

    public static int FeatureCount(bool oneDimensional, int plane) =>
        OwnFeatures(oneDimensional) + PerConditioningPlane * Math.Min(plane, ConditioningPlanes);

    private static int OwnFeatures(bool oneDimensional) => (oneDimensional ? AudioTaps + AudioGradients : ImageOffsets.Length + ImageGradients) + Errors;

    private int Own => OwnFeatures(OneDimensional);

    /// <summary>
    /// Fills <paramref name="features"/> (<see cref="FeatureCount"/> values) for sample <paramref name="index"/> of
    /// <paramref name="plane"/> and returns p0 and the plain mode's activity (the sum of the gradients, plus twice the
    /// previous plane's |error|).
    /// </summary>
    public (int P0, int Activity) Compute(int plane, int index, Span<int> features)
    {
        int p0 = OneDimensional ? Audio(plane, index, features) : Image(plane, index, features);
        int own = Own;
        int activity = 0;
        for (int g = own - Errors - (OneDimensional ? AudioGradients : ImageGradients); g < own - Errors; g++) activity += features[g];
        NeighbourErrors(plane, index, features.Slice(own - Errors, Errors));
        activity += features[own - 2] + features[own - 1];
        int at = own;
        for (int k = plane - 1; k >= Math.Max(0, plane - ConditioningPlanes); k--)
        {
            var (kp0, step1, step2) = OneDimensional ? AudioBase(k, index) : ImageBase(k, index);
            int v = _planes[k][index], error = v - kp0;
            features[at++] = error;
            features[at++] = v - step1;
            features[at++] = v - step2;
            features[at++] = Math.Abs(error);
            if (k == plane - 1) activity += 2 * Math.Abs(error);
        }
        return (p0, activity);
    }

    /// <summary>Keeps the error v − p0 of a sample once it is known, for the contexts of the samples after it.</summary>
    public void Record(int plane, int index, int p0) => _errors[plane][index] = _planes[plane][index] - p0;

    private void NeighbourErrors(int plane, int index, Span<int> output)
    {
        var e = _errors[plane];
        if (OneDimensional)
        {
            for (int j = 0; j < 4; j++) output[j] = index - 1 - j >= 0 ? e[index - 1 - j] : 0;
        }
        else
        {
            int y = index / _width, x = index - y * _width;
            output[0] = x > 0 ? e[index - 1] : 0;
            output[1] = y > 0 ? e[index - _width] : 0;
            output[2] = y > 0 && x > 0 ? e[index - _width - 1] : 0;
            output[3] = y > 0 && x < _width - 1 ? e[index - _width + 1] : 0;
        }
        output[4] = Math.Abs(output[0]) + Math.Abs(output[1]);
        output[5] = Math.Abs(output[2]) + Math.Abs(output[3]);
    }

    private int Image(int plane, int index, Span<int> features)
    {
        int y = index / _width, x = index - y * _width;
        var p = _planes[plane];
        var n = _neighbours.AsSpan(0, ImageOffsets.Length);
        bool interior = y >= 2 && x >= 2 && x < _width - 2;
        for (int j = 0; j < n.Length; j++)
        {
            var (dy, dx) = ImageOffsets[j];
            n[j] = interior ? p[index + dy * _width + dx] : Neighbour(plane, y, x, dy, dx);
        }
        int w = n[0], north = n[1], nw = n[2], ne = n[3];
        int p0 = Base(w, north, nw);
        for (int j = 0; j < n.Length; j++) features[j] = n[j] - p0;
        int g = n.Length;
        features[g] = Math.Abs(w - nw);
        features[g + 1] = Math.Abs(north - nw);
        features[g + 2] = Math.Abs(ne - north);
        features[g + 3] = Math.Abs(w - n[4]);
        features[g + 4] = Math.Abs(north - n[5]);
        return p0;
    }

    private int Audio(int plane, int t, Span<int> features)
    {
        var p = _planes[plane];
        var n = _neighbours.AsSpan(0, AudioTaps);
        for (int j = 0; j < AudioTaps; j++)
        {
            int at = t - 1 - j;
            n[j] = t == 0 ? _start[plane] : p[Math.Max(at, 0)];
        }
        int p0 = Clamp(2L * n[0] - n[1]);
        for (int j = 0; j < AudioTaps; j++) features[j] = n[j] - p0;
        int g = AudioTaps, wide = 0;
        for (int j = 0; j < 4; j++) features[g + j] = Math.Abs(n[j] - n[j + 1]);
        for (int j = 0; j < 8; j++) wide += Math.Abs(n[j] - n[j + 1]);
        features[g + 4] = wide >> 2;
        return p0;
    }

    /// <summary>An earlier plane's p0 and its two nearest causal neighbours at <paramref name="index"/>.</summary>
    private (int P0, int First, int Second) ImageBase(int plane, int index)
    {
        int y = index / _width, x = index - y * _width;
        int w = Neighbour(plane, y, x, 0, -1), north = Neighbour(plane, y, x, -1, 0), nw = Neighbour(plane, y, x, -1, -1);
        return (Base(w, north, nw), w, north);
    }

    private (int P0, int First, int Second) AudioBase(int plane, int t)
    {
        var p = _planes[plane];
        int x1 = t == 0 ? _start[plane] : p[t - 1], x2 = t == 0 ? _start[plane] : p[Math.Max(t - 2, 0)];
        return (Clamp(2L * x1 - x2), x1, x2);
    }

    /// <summary>
    /// A neighbour at (dy, dx): outside the grid its coordinates are clamped into it; if that lands on a sample not
    /// yet decoded it stands in N, then W, then the plane's start value.
    /// </summary>
    private int Neighbour(int plane, int y, int x, int dy, int dx)
    {
        var p = _planes[plane];
        int yy = Math.Max(y + dy, 0), xx = Math.Clamp(x + dx, 0, _width - 1);
        if (yy < y || (yy == y && xx < x)) return p[yy * _width + xx];
        if (y > 0) return p[(y - 1) * _width + x];
        if (x > 0) return p[y * _width + x - 1];
        return _start[plane];
    }

    private int Base(int w, int n, int nw) => _gradient ? Clamp((long)w + n - nw) : Med(w, n, nw);

    public static int Med(int w, int n, int nw)
    {
        int lo = Math.Min(w, n), hi = Math.Max(w, n);
        return nw >= hi ? lo : nw <= lo ? hi : w + n - nw;
    }

    private static int Clamp(long v) => (int)Math.Clamp(v, -MaxMagnitude, MaxMagnitude);
}
