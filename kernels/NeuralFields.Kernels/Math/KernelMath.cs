namespace NeuralFields.Kernels;

/// <summary>
/// Float math that gives the same answers on every ILGPU accelerator. The PTX backend maps MathF.Sin/Cos
/// to the hardware's approximate sin.approx/cos.approx, whose error grows with the argument (NeRF phases
/// reach 2^9·π and more), and has no arctangent without libdevice; these versions reduce the argument
/// exactly and evaluate short Taylor polynomials, so CPU and GPU agree with libtorch to about 1e-7.
/// The exponential is here too: ILGPU's PTX backend has no MathF.Exp without the Algorithms library or
/// libdevice. Only float arithmetic, MathF.Floor, bit casts and a double-precision fallback for sin/cos of
/// |x| ≥ 6000: all of it compiles for the CPU, CUDA (PTX) and plain .NET.
/// </summary>
public static class KernelMath
{
    // ln 2 in two parts: Ln2Hi has 16 significant bits, so k·Ln2Hi is exact for the |k| ≤ 150 that occur.
    private const float Ln2Hi = 0.693145751953125f;
    private const float Ln2Lo = 1.4286068203094173e-6f;
    private const float Log2E = 1.44269504f;

    // π/2 in three parts: C1 has 8 significant bits and C2 12, so k·C1 and k·C2 are exact for |k| < 4096.
    private const float C1 = 1.5703125f;
    private const float C2 = 4.838705062866211e-4f;
    private const float C3 = -4.371138828673793e-8f;
    private const float TwoOverPi = 0.63661975f;
    private const float FloatReductionLimit = 6000f;

    /// <summary>sin(x).</summary>
    public static float Sin(float x)
    {
        SinCos(x, out float s, out _);
        return s;
    }

    /// <summary>cos(x).</summary>
    public static float Cos(float x)
    {
        SinCos(x, out _, out float c);
        return c;
    }

    /// <summary>sin(x) and cos(x) from one argument reduction.</summary>
    public static void SinCos(float x, out float sin, out float cos)
    {
        float r;
        int quadrant;
        if (x < FloatReductionLimit && x > -FloatReductionLimit)
        {
            float k = MathF.Floor(x * TwoOverPi + 0.5f);
            r = x - k * C1;                 // exact (Sterbenz)
            r -= k * C2;
            r -= k * C3;
            quadrant = (int)k & 3;
        }
        else
        {
            double k = System.Math.Floor(x * (2.0 / System.Math.PI) + 0.5);
            r = (float)(x - k * (System.Math.PI / 2));
            quadrant = (int)(long)(k - 4.0 * System.Math.Floor(k * 0.25));
        }
        float r2 = r * r;
        // Taylor to r^9 and r^10: on |r| ≤ π/4 the first omitted terms are below 2e-9.
        float s = r + r * r2 * (-1f / 6f + r2 * (1f / 120f + r2 * (-1f / 5040f + r2 * (1f / 362880f))));
        float c = 1f + r2 * (-0.5f + r2 * (1f / 24f + r2 * (-1f / 720f + r2 * (1f / 40320f + r2 * (-1f / 3628800f)))));
        if (quadrant == 0) { sin = s; cos = c; }
        else if (quadrant == 1) { sin = c; cos = -s; }
        else if (quadrant == 2) { sin = -s; cos = -c; }
        else { sin = -c; cos = s; }
    }

    /// <summary>arctan(x).</summary>
    public static float Atan(float x)
    {
        float a = x < 0 ? -x : x;
        bool inverted = a > 1f;
        if (inverted) a = 1f / a;                       // atan(a) = π/2 − atan(1/a)
        bool shifted = a > 0.41421357f;                 // tan(π/8)
        if (shifted) a = (a - 1f) / (a + 1f);           // atan(a) = π/4 + atan((a−1)/(a+1))
        // |a| ≤ tan(π/8): the series to a^21 leaves less than 1e-9.
        float a2 = a * a;
        float p = -1f / 21f;
        p = p * a2 + 1f / 19f;
        p = p * a2 - 1f / 17f;
        p = p * a2 + 1f / 15f;
        p = p * a2 - 1f / 13f;
        p = p * a2 + 1f / 11f;
        p = p * a2 - 1f / 9f;
        p = p * a2 + 1f / 7f;
        p = p * a2 - 1f / 5f;
        p = p * a2 + 1f / 3f;
        float result = a - a * a2 * p;
        if (shifted) result += 0.78539816f;
        if (inverted) result = 1.5707964f - result;
        return x < 0 ? -result : result;
    }

    /// <summary>e^x: x = k ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to r^7 (relative error below 1e-8), times 2^k.</summary>
    public static float Exp(float x)
    {
        if (!(x <= 88.72284f)) return x > 0f ? float.PositiveInfinity : x;   // overflow, +∞ or NaN
        if (x < -103.972084f) return 0f;
        float k = MathF.Floor(x * Log2E + 0.5f);
        float r = x - k * Ln2Hi;
        r -= k * Ln2Lo;
        float p = 1f + r * (1f + r * (1f / 2f + r * (1f / 6f + r * (1f / 24f + r * (1f / 120f + r * (1f / 720f + r * (1f / 5040f)))))));
        int e = (int)k;
        int half = e / 2;                                // two steps, so results down to the subnormals stay exact
        return p * PowerOfTwo(half) * PowerOfTwo(e - half);
    }

    /// <summary>2^e for −126 ≤ e ≤ 127, built from its bits.</summary>
    private static float PowerOfTwo(int e) => ILGPU.Interop.IntAsFloat((uint)(e + 127) << 23);

    /// <summary>1 / (1 + e^−x), without overflow for large |x|.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0) return 1f / (1f + Exp(-x));
        float e = Exp(x);
        return e / (1f + e);
    }

    public static float Max(float a, float b) => a > b ? a : b;

    public static float Min(float a, float b) => a < b ? a : b;

    public static float Clamp(float x, float low, float high) => x < low ? low : x > high ? high : x;
}
