namespace NeuralFields.Schema.Tests;

public class SampleGridTests
{
    [Fact]
    public void Coordinates_sit_at_pixel_centres_with_x_first()
    {
        // 2 rows, 4 columns: x centres -0.75, -0.25, 0.25, 0.75; y centres -0.5, 0.5.
        var c = SampleGrid.Coordinates([2, 4]);
        Assert.Equal(16, c.Length);
        Assert.Equal([-0.75f, -0.5f], c[..2]);
        Assert.Equal([-0.25f, -0.5f], c[2..4]);
        Assert.Equal([0.75f, 0.5f], c[14..16]);
    }

    [Fact]
    public void Portable_random_is_fixed_by_its_seed()
    {
        var a = new PortableRandom(42);
        var b = new PortableRandom(42);
        for (int i = 0; i < 100; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        // SplitMix64 reference value for seed 0 (first output), from the algorithm's published constants.
        Assert.Equal(0xE220A8397B1DCDAFUL, new PortableRandom(0).NextUInt64());
        var g = new PortableRandom(7);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < 20000; i++) { double v = g.NextGaussian(); sum += v; sumSq += v * v; }
        Assert.InRange(sum / 20000, -0.03, 0.03);
        Assert.InRange(sumSq / 20000, 0.96, 1.04);
    }
}
