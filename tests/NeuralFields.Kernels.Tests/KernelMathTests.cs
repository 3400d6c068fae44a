namespace NeuralFields.Kernels.Tests;

/// <summary>The kernels' own float math against double-precision .NET, over the ranges encodings and activations reach.</summary>
public class KernelMathTests
{
    private static IEnumerable<float> Arguments(float limit, int count, int seed)
    {
        var random = new Random(seed);
        yield return 0f;
        yield return -0f;
        yield return limit;
        yield return -limit;
        for (int k = -8; k <= 8; k++) yield return k * MathF.PI / 4;   // quadrant borders
        for (int i = 0; i < count; i++) yield return (random.NextSingle() * 2 - 1) * limit;
    }

    [Theory]
    [InlineData(4f)]
    [InlineData(1608.5f)]      // 2^9·π: the tenth NeRF octave
    [InlineData(5999f)]        // the float reduction's limit
    [InlineData(2e5f)]         // the double-precision fallback
    public void Sin_and_cos_are_accurate_to_about_one_float_rounding_of_the_argument(float limit)
    {
        foreach (var x in Arguments(limit, 4000, 1))
        {
            KernelMath.SinCos(x, out float s, out float c);
            Assert.True(Math.Abs(s - Math.Sin(x)) < 2.5e-7, $"sin({x:R}) = {s}, not {Math.Sin(x)}");
            Assert.True(Math.Abs(c - Math.Cos(x)) < 2.5e-7, $"cos({x:R}) = {c}, not {Math.Cos(x)}");
            Assert.Equal(s, KernelMath.Sin(x));
            Assert.Equal(c, KernelMath.Cos(x));
        }
    }

    [Fact]
    public void Atan_is_accurate_everywhere()
    {
        foreach (var x in Arguments(3f, 2000, 2).Concat(Arguments(1e4f, 2000, 3)).Concat([0.41421357f, 1f, -1f, float.MaxValue]))
            Assert.True(Math.Abs(KernelMath.Atan(x) - Math.Atan(x)) < 2.5e-7, $"atan({x:R}) = {KernelMath.Atan(x)}, not {Math.Atan(x)}");
    }

    [Fact]
    public void Exp_has_a_relative_error_of_a_few_float_roundings_down_to_the_subnormals()
    {
        foreach (var x in Arguments(88f, 4000, 4).Concat([-87.3f, -95f, -103f, 88.7f]))
        {
            double expected = Math.Exp(x);
            double error = Math.Abs(KernelMath.Exp(x) - expected);
            Assert.True(error <= 4e-7 * expected + 1e-45 * 4, $"exp({x:R}) = {KernelMath.Exp(x)}, not {expected}");
        }
        Assert.Equal(float.PositiveInfinity, KernelMath.Exp(89f));
        Assert.Equal(0f, KernelMath.Exp(-110f));
        Assert.True(float.IsNaN(KernelMath.Exp(float.NaN)));
        Assert.Equal(1f, KernelMath.Exp(0f));
    }

    [Fact]
    public void Sigmoid_saturates_without_overflow()
    {
        Assert.Equal(1f, KernelMath.Sigmoid(200f));
        Assert.Equal(0f, KernelMath.Sigmoid(-200f));
        Assert.Equal(0.5f, KernelMath.Sigmoid(0f));
        Assert.True(Math.Abs(KernelMath.Sigmoid(1.5f) - 1 / (1 + Math.Exp(-1.5))) < 1e-7);
    }
}
