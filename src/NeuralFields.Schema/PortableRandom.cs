namespace NeuralFields.Schema;

/// <summary>
/// A random generator defined bit for bit (SplitMix64, Box–Muller in double precision with
/// <see cref="PortableMath"/>'s log and cos, not the platform's), so fixed random bases (Fourier
/// features) can be rebuilt from a seed by any decoder on any machine.
/// </summary>
public sealed class PortableRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal; each call consumes two uniforms (no cached second value, so streams are simple to reproduce).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * PortableMath.Log(u1)) * PortableMath.Cos(2.0 * Math.PI * u2);   // sqrt is exact IEEE everywhere
    }
}
