using NeuralFields.Schema;

namespace NeuralFields.Codec.Decoder.Tests;

public class PortableMathTests
{
    [Fact]
    public void Sin_and_cos_match_the_platform_to_a_few_ulp_over_network_ranges()
    {
        var random = new PortableRandom(5);
        for (int i = 0; i < 20000; i++)
        {
            double x = (random.NextDouble() * 2 - 1) * (i % 2 == 0 ? 4 : 2000);
            Assert.Equal(Math.Sin(x), PortableMath.Sin(x), 1e-15 * Math.Max(1, Math.Abs(x) / 100));
            Assert.Equal(Math.Cos(x), PortableMath.Cos(x), 1e-15 * Math.Max(1, Math.Abs(x) / 100));
        }
        Assert.Equal(0.0, PortableMath.Sin(0.0));
        Assert.Equal(1.0, PortableMath.Cos(0.0));
        Assert.True(double.IsNaN(PortableMath.Sin(double.PositiveInfinity)));
        Assert.True(double.IsNaN(PortableMath.Cos(double.NaN)));
    }

    [Fact]
    public void Exp_and_log_match_the_platform_and_powers_of_two_are_exact()
    {
        var random = new PortableRandom(6);
        for (int i = 0; i < 20000; i++)
        {
            double x = (random.NextDouble() * 2 - 1) * 80;
            Assert.Equal(1.0, PortableMath.Exp(x) / Math.Exp(x), 1e-15);
            double u = random.NextDouble() + 1e-300;
            Assert.Equal(Math.Log(u), PortableMath.Log(u), 1e-15 * Math.Max(1, Math.Abs(Math.Log(u))));
        }
        for (int k = -20; k <= 20; k++)
        {
            Assert.Equal(Math.ScaleB(1.0, k), PortableMath.Exp2(k));
            Assert.Equal(k, PortableMath.Log2(Math.ScaleB(1.0, k)));
        }
        Assert.Equal(0.0, PortableMath.Exp(-1000));
        Assert.Equal(double.PositiveInfinity, PortableMath.Exp(1000));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(0));
        Assert.True(double.IsNaN(PortableMath.Log(-1)));
        Assert.Equal(Math.Log(5e-324), PortableMath.Log(5e-324), 1e-12);   // subnormal input
    }

    /// <summary>
    /// Pins the exact bits, so a platform whose arithmetic differed (a fused multiply-add, x87 extended
    /// precision) fails here instead of decoding files differently.
    /// </summary>
    [Fact]
    public void Results_are_the_same_bits_on_every_machine()
    {
        double[] inputs = [0.5, 1.0, -2.75, 31.4159, 1234.5678];
        ulong Bits(double v) => (ulong)BitConverter.DoubleToInt64Bits(v);
        var actual = inputs.SelectMany(x => new[] { Bits(PortableMath.Sin(x)), Bits(PortableMath.Cos(x)), Bits(PortableMath.Exp(x / 50)), Bits(PortableMath.Log(Math.Abs(x))) })
            .Aggregate(14695981039346656037UL, (h, b) => (h ^ b) * 1099511628211UL);   // FNV-1a over the bit patterns
        Assert.Equal(GoldenHash, actual);
    }

    private const ulong GoldenHash = 17637484841127944324;
}
