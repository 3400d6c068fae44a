using System.Runtime.CompilerServices;
namespace NeuralFields.Schema;

/// <summary>
/// Elementary functions written out as IEEE double additions, multiplications and divisions (no
/// libm, no fused multiply-add), so every machine and OS computes the same bits. System.Math's sin,
/// cos, exp and log call the platform's C library, whose last bit differs between glibc, MSVC and
/// Apple; the neural-file decoder and the seeded random bases must not depend on that.
/// Accuracy is within a few units in the last place of double over the ranges networks use
/// (|x| up to about 10^6 for sin and cos), far below float32 resolution.
/// </summary>
public static class PortableMath
{
    // π/2 in three parts (Cody–Waite reduction): the first two end in zero bits, so k·part is exact for |k| < 2^20.
    private const double PiOver2Hi = 1.57079632673412561417e+00;
    private const double PiOver2Mid = 6.07710050630396597660e-11;
    private const double PiOver2Lo = 2.02226624879595063154e-21;
    private const double TwoOverPi = 6.36619772367581382433e-01;
    // ln 2 in two parts; the first ends in zero bits, so k·Ln2Hi is exact for the exponents exp meets.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InverseLn2 = 1.44269504088896338700e+00;
    private const double Sqrt2 = 1.41421356237309514547e+00;

    // Taylor coefficients (-1)^n/(2n+1)!, (-1)^n/(2n)!, 1/n! and 1/(2n+1), each one correctly rounded division.
    private static readonly double[] SinTerms = Series(n => Sign(n) / Factorial(2 * n + 1), 9);
    private static readonly double[] CosTerms = Series(n => Sign(n) / Factorial(2 * n), 10);
    private static readonly double[] ExpTerms = Series(n => 1.0 / Factorial(n), 15);
    private static readonly double[] LogTerms = Series(n => 1.0 / (2 * n + 1), 12);

    public static double Sin(double x)
    {
        if (!double.IsFinite(x)) return double.NaN;
        var (r, quadrant) = Reduce(x);
        return quadrant switch
        {
            0 => SinKernel(r),
            1 => CosKernel(r),
            2 => -SinKernel(r),
            _ => -CosKernel(r),
        };
    }

    public static double Cos(double x)
    {
        if (!double.IsFinite(x)) return double.NaN;
        var (r, quadrant) = Reduce(x);
        return quadrant switch
        {
            0 => CosKernel(r),
            1 => -SinKernel(r),
            2 => -CosKernel(r),
            _ => SinKernel(r),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.8) return double.PositiveInfinity;
        if (x < -745.2) return 0;
        double k = Math.Round(x * InverseLn2);
        double r = x - k * Ln2Hi - k * Ln2Lo;              // |r| ≤ ln2/2 + tiny
        return ScaleByPowerOfTwo(Polynomial(ExpTerms, r), (int)k);
    }

    /// <summary>2^y; exact when y is an integer in range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Exp2(double y)
    {
        if (double.IsNaN(y)) return y;
        if (y > 1024) return double.PositiveInfinity;
        if (y < -1075) return 0;
        double k = Math.Round(y);
        double f = y - k;                                   // exact: |y| < 2^11
        double e = f == 0 ? 1.0 : Polynomial(ExpTerms, f * Ln2Hi + f * Ln2Lo);
        return ScaleByPowerOfTwo(e, (int)k);
    }

    public static double Log(double x)
    {
        if (!TrySplit(x, out double special, out int exponent, out double mantissa)) return special;
        return exponent * Ln2Hi + (LogOfMantissa(mantissa) + exponent * Ln2Lo);
    }

    /// <summary>log2(x); exact for powers of two.</summary>
    public static double Log2(double x)
    {
        if (!TrySplit(x, out double special, out int exponent, out double mantissa)) return special;
        return exponent + LogOfMantissa(mantissa) * InverseLn2;
    }

    /// <summary>x = k·π/2 + r with |r| ≤ π/4 (about), quadrant = k mod 4.</summary>
    private static (double R, int Quadrant) Reduce(double x)
    {
        double k = Math.Round(x * TwoOverPi);
        double r = x - k * PiOver2Hi - k * PiOver2Mid - k * PiOver2Lo;
        double quadrant = k - 4 * Math.Floor(k * 0.25);    // exact for every double k
        return (r, (int)quadrant);
    }

    private static double SinKernel(double r)
    {
        double z = r * r;
        double p = SinTerms[^1];
        for (int i = SinTerms.Length - 2; i >= 1; i--) p = p * z + SinTerms[i];
        return r + r * z * p;
    }

    private static double CosKernel(double r)
    {
        double z = r * r;
        double p = CosTerms[^1];
        for (int i = CosTerms.Length - 2; i >= 1; i--) p = p * z + CosTerms[i];
        return 1.0 + z * p;
    }

    /// <summary>Σ c_n x^n by Horner's rule, one multiply and one add per term.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Polynomial(double[] c, double x)
    {
        double p = c[^1];
        for (int i = c.Length - 2; i >= 0; i--) p = p * x + c[i];
        return p;
    }

    /// <summary>log(m) for m in [√½, √2): 2 atanh(s), s = (m − 1)/(m + 1).</summary>
    private static double LogOfMantissa(double m)
    {
        double f = m - 1.0;                                 // exact (Sterbenz)
        if (f == 0) return 0;
        double s = f / (2.0 + f);
        double z = s * s;
        double p = LogTerms[^1];
        for (int i = LogTerms.Length - 2; i >= 1; i--) p = p * z + LogTerms[i];
        return 2.0 * s + 2.0 * s * (z * p);
    }

    /// <summary>x = mantissa · 2^exponent with mantissa in [√½, √2); false (and the result) for x ≤ 0, NaN, ∞.</summary>
    private static bool TrySplit(double x, out double special, out int exponent, out double mantissa)
    {
        (special, exponent, mantissa) = (0, 0, 0);
        if (double.IsNaN(x) || x < 0) { special = double.NaN; return false; }
        if (x == 0) { special = double.NegativeInfinity; return false; }
        if (double.IsPositiveInfinity(x)) { special = x; return false; }
        int extra = 0;
        if (x < 2.2250738585072014e-308)                    // subnormal: scale into the normal range first (exact)
        {
            x *= 18014398509481984.0;                       // 2^54
            extra = -54;
        }
        long bits = BitConverter.DoubleToInt64Bits(x);
        exponent = (int)((bits >> 52) & 0x7FF) - 1023 + extra;
        mantissa = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (mantissa > Sqrt2)
        {
            mantissa *= 0.5;
            exponent++;
        }
        return true;
    }

    /// <summary>v · 2^k in two exact steps, so only the last multiply rounds (into the subnormal range, if at all).</summary>
    private static double ScaleByPowerOfTwo(double v, int k)
    {
        int first = k / 2, second = k - first;
        return v * PowerOfTwo(first) * PowerOfTwo(second);
    }

    private static double PowerOfTwo(int k) => BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);

    private static double Sign(int n) => n % 2 == 0 ? 1.0 : -1.0;

    private static double Factorial(int n)
    {
        double f = 1;
        for (int i = 2; i <= n; i++) f *= i;                // exact up to 22!
        return f;
    }

    private static double[] Series(Func<int, double> term, int count) => Enumerable.Range(0, count).Select(term).ToArray();
}
