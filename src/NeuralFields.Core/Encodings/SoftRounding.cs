using System.Runtime.Intrinsics;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// The noise phase's soft rounding (C3) of a level in one C# pass: q = s(s(v) + u − ½) with
/// s(v) = ⌊v⌋ + ½ + tanh(α·r) / (2·tanh(α/2)), r = v − ⌊v⌋ − ½, and its slope dq/dv = s′(s(v) + u − ½)·s′(v),
/// s′(v) = α·(1 − tanh²(α·r)) / (2·tanh(α/2)) (⌊v⌋ carries no gradient). As TorchSharp operations it was about twenty
/// tensors of every latent per step, forward and backward; here the caller carries the gradient as slope · upstream.
/// </summary>
internal static unsafe class SoftRounding
{
    private const int Chunk = 16384;

    /// <param name="values">v, <paramref name="count"/> of them.</param>
    /// <param name="noise">u, uniform in [0, 1).</param>
    public static void Apply(float* values, float* noise, float* rounded, float* slope, long count, double alpha)
    {
        var a = Vector256.Create((float)alpha);
        var norm = Vector256.Create((float)(1 / (2 * Math.Tanh(alpha / 2))));
        long chunks = (count + Chunk - 1) / Chunk;
        Parallel.For(0L, chunks, c =>
        {
            long end = Math.Min(count, (c + 1) * Chunk);
            var lane = stackalloc float[Vector256<float>.Count * 4];
            for (long i = c * Chunk; i < end; i += Vector256<float>.Count)
            {
                int n = (int)Math.Min(Vector256<float>.Count, end - i);
                Vector256<float> v, u;
                if (n == Vector256<float>.Count)
                    (v, u) = (Vector256.Load(values + i), Vector256.Load(noise + i));
                else
                {
                    for (int k = 0; k < 8; k++) (lane[k], lane[8 + k]) = k < n ? (values[i + k], noise[i + k]) : (0f, 0f);
                    (v, u) = (Vector256.Load(lane), Vector256.Load(lane + 8));
                }
                var (inner, innerSlope) = Round(v, a, norm);
                var (outer, outerSlope) = Round(inner + u - Vector256.Create(0.5f), a, norm);
                var s = outerSlope * innerSlope;
                if (n == Vector256<float>.Count)
                {
                    outer.Store(rounded + i);
                    s.Store(slope + i);
                    continue;
                }
                outer.Store(lane + 16);
                s.Store(lane + 24);
                for (int k = 0; k < n; k++) (rounded[i + k], slope[i + k]) = (lane[16 + k], lane[24 + k]);
            }
        });
    }

    private static (Vector256<float> Value, Vector256<float> Slope) Round(Vector256<float> v, Vector256<float> alpha, Vector256<float> norm)
    {
        var floor = Vector256.Floor(v);
        var t = Tanh((v - floor - Vector256.Create(0.5f)) * alpha);
        return (floor + Vector256.Create(0.5f) + t * norm, alpha * (Vector256<float>.One - t * t) * norm);
    }

    /// <summary>tanh x = 1 − 2 / (e^{2x} + 1): exact at the saturated ends (e^{2x} = ∞ or 0), a few 1e-7 off in between.</summary>
    private static Vector256<float> Tanh(Vector256<float> x) =>
        Vector256<float>.One - Vector256.Create(2f) / (Vector256.Exp(x + x) + Vector256<float>.One);
}
