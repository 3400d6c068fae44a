namespace NeuralFields.Signals.Image;

/// <summary>
/// Inpainting baseline: the missing pixels solve Laplace's equation (each is the mean of its four
/// neighbours) with the known pixels as fixed boundary values and mirror (zero-flux) image borders:
/// the smoothest fill, linear interpolation across a one-dimensional gap. The sparse symmetric
/// positive-definite system is solved per channel by conjugate gradients with a Jacobi preconditioner.
/// </summary>
public static class HarmonicFill
{
    /// <summary>Relative residual at which the solve stops; far below one 16-bit step.</summary>
    public const double Tolerance = 1e-9;

    public static ImageSignal Fill(ImageSignal image, PixelMask mask)
    {
        mask.RequireSize(image);
        if (mask.KnownCount == 0) throw new ArgumentException("the mask keeps no pixel");
        int w = image.Width, h = image.Height, c = image.Channels;
        var unknown = new List<long>();
        var slot = new int[(long)w * h];
        for (long p = 0; p < slot.Length; p++)
            slot[p] = mask.Known[p] ? -1 : AddAndIndex(unknown, p);
        int n = unknown.Count;
        var samples = (ushort[])image.Samples.Clone();
        if (n == 0) return new ImageSignal(w, h, c, image.BitDepth, samples);

        // Per unknown: its in-image neighbours, as unknown slots (>= 0) or known pixels (~index).
        var neighbours = new long[n * 4];
        var degree = new int[n];
        for (int i = 0; i < n; i++)
        {
            long p = unknown[i];
            int x = (int)(p % w), y = (int)(p / w);
            foreach (var (nx, ny) in new[] { (x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1) })
            {
                if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                long q = (long)ny * w + nx;
                neighbours[i * 4 + degree[i]++] = slot[q] >= 0 ? slot[q] : ~q;
            }
        }

        var b = new double[n];
        var u = new double[n];
        for (int k = 0; k < c; k++)
        {
            double knownMean = 0;
            for (long p = 0; p < slot.Length; p++)
                if (slot[p] < 0) knownMean += image.Samples[p * c + k];
            knownMean /= slot.Length - n;
            for (int i = 0; i < n; i++)
            {
                b[i] = 0;
                for (int d = 0; d < degree[i]; d++)
                    if (neighbours[i * 4 + d] < 0) b[i] += image.Samples[~neighbours[i * 4 + d] * c + k];
                u[i] = knownMean;
            }
            Solve(neighbours, degree, b, u);
            for (int i = 0; i < n; i++)
                samples[unknown[i] * c + k] = (ushort)Math.Clamp(Math.Round(u[i], MidpointRounding.ToEven), 0, image.MaxValue);
        }
        return new ImageSignal(w, h, c, image.BitDepth, samples);
    }

    private static int AddAndIndex(List<long> list, long value)
    {
        list.Add(value);
        return list.Count - 1;
    }

    /// <summary>(A u)_i = degree_i u_i - sum of unknown neighbours; the known ones are in b.</summary>
    private static void Apply(long[] neighbours, int[] degree, double[] u, double[] result)
    {
        for (int i = 0; i < u.Length; i++)
        {
            double sum = degree[i] * u[i];
            for (int d = 0; d < degree[i]; d++)
            {
                long j = neighbours[i * 4 + d];
                if (j >= 0) sum -= u[j];
            }
            result[i] = sum;
        }
    }

    /// <summary>Preconditioned conjugate gradients from the guess in <paramref name="u"/>.</summary>
    private static void Solve(long[] neighbours, int[] degree, double[] b, double[] u)
    {
        int n = u.Length;
        var r = new double[n];
        var z = new double[n];
        var p = new double[n];
        var q = new double[n];
        Apply(neighbours, degree, u, r);
        double bNorm = 0, rz = 0;
        for (int i = 0; i < n; i++)
        {
            r[i] = b[i] - r[i];
            z[i] = r[i] / degree[i];
            p[i] = z[i];
            rz += r[i] * z[i];
            bNorm += b[i] * b[i];
        }
        double limit = Tolerance * Tolerance * Math.Max(bNorm, 1e-300);
        // CG ends in at most n steps in exact arithmetic; rounding may need a few more.
        for (int iteration = 0; iteration < 2 * n + 100; iteration++)
        {
            double rr = 0;
            for (int i = 0; i < n; i++) rr += r[i] * r[i];
            if (rr <= limit) return;
            Apply(neighbours, degree, p, q);
            double pq = 0;
            for (int i = 0; i < n; i++) pq += p[i] * q[i];
            double alpha = rz / pq;
            double rzNext = 0;
            for (int i = 0; i < n; i++)
            {
                u[i] += alpha * p[i];
                r[i] -= alpha * q[i];
                z[i] = r[i] / degree[i];
                rzNext += r[i] * z[i];
            }
            double beta = rzNext / rz;
            rz = rzNext;
            for (int i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
        }
    }
}
