using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Signals.Tests;

public sealed class InpaintingBaselineTests
{
    private static PixelMask Mask(int width, string rows) =>
        new(width, rows.Length / width, rows.Select(ch => ch == '#').ToArray());   // '#' known, '.' missing

    [Fact]
    public void Harmonic_fill_of_a_gap_in_a_row_is_linear_interpolation()
    {
        var image = new ImageSignal(6, 1, 1, 16, [0, 9, 9, 9, 9, 50_000]);
        var filled = HarmonicFill.Fill(image, Mask(6, "#....#"));
        Assert.Equal(new ushort[] { 0, 10_000, 20_000, 30_000, 40_000, 50_000 }, filled.Samples);
    }

    [Fact]
    public void Harmonic_fill_of_a_band_is_linear_across_it_in_every_row()
    {
        // Known left and right columns, identical rows: mirror borders make the solution 1D.
        const int w = 7, h = 4;
        var samples = new ushort[w * h];
        for (int y = 0; y < h; y++) (samples[y * w], samples[y * w + w - 1]) = (0, 240);
        var mask = Mask(w, string.Concat(Enumerable.Repeat("#.....#", h)));
        var filled = HarmonicFill.Fill(new ImageSignal(w, h, 1, 8, samples), mask);
        for (int y = 0; y < h; y++)
            Assert.Equal(new ushort[] { 0, 40, 80, 120, 160, 200, 240 }, filled.Samples.Skip(y * w).Take(w));
    }

    [Fact]
    public void Harmonic_fill_of_one_pixel_is_the_mean_of_its_four_neighbours_per_channel()
    {
        var samples = new ushort[9 * 2];
        (samples[1 * 2], samples[3 * 2], samples[5 * 2], samples[7 * 2]) = (10, 20, 30, 41);   // channel 0 around the centre
        for (int i = 0; i < 9; i++) samples[i * 2 + 1] = 200;                                 // channel 1 constant
        var filled = HarmonicFill.Fill(new ImageSignal(3, 3, 2, 8, samples), Mask(3, "####.####"));
        Assert.Equal(25, filled.Samples[4 * 2]);     // 101/4 = 25.25
        Assert.Equal(200, filled.Samples[4 * 2 + 1]);
    }

    [Fact]
    public void Nearest_fill_copies_the_closest_known_pixel()
    {
        var filled = NearestFill.Fill(new ImageSignal(6, 1, 1, 8, [10, 0, 0, 0, 0, 50]), Mask(6, "#....#"));
        Assert.Equal(new ushort[] { 10, 10, 10, 50, 50, 50 }, filled.Samples);

        // 2D, known pixels at (2,1) = 7 and (4,2) = 9: Euclidean distances between pixel centres decide.
        var mask = Mask(5, "....." + "..#.." + "....#");
        var image = new ImageSignal(5, 3, 1, 8, [0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 9]);
        var result = NearestFill.Fill(image, mask).Samples;
        Assert.Equal(9, result[4]);   // (4,0): to (4,2) 2, to (2,1) sqrt(5)
        Assert.Equal(7, result[0]);   // (0,0): to (2,1) sqrt(5), to (4,2) sqrt(20)
        Assert.Equal(9, result[13]);  // (3,2): to (4,2) 1
    }

    [Fact]
    public void Nearest_fill_matches_brute_force_distances_on_random_masks()
    {
        for (ulong seed = 1; seed <= 5; seed++)
        {
            var mask = SyntheticMasks.RandomPixels(13, 9, 0.1 * seed, seed);
            if (mask.KnownCount == 0) continue;
            var nearest = NearestFill.NearestKnown(mask);
            for (int p = 0; p < mask.Known.Length; p++)
            {
                long best = long.MaxValue;
                for (int q = 0; q < mask.Known.Length; q++)
                    if (mask.Known[q]) best = Math.Min(best, Distance2(p, q, 13));
                Assert.True(mask.Known[nearest[p]]);
                Assert.Equal(best, Distance2(p, (int)nearest[p], 13));
            }
        }
    }

    private static long Distance2(int p, int q, int width)
    {
        long dx = p % width - q % width, dy = p / width - q / width;
        return dx * dx + dy * dy;
    }

    [Fact]
    public void Both_fills_leave_known_pixels_untouched()
    {
        var image = new ImageSignal(8, 8, 3, 8, Enumerable.Range(0, 192).Select(i => (ushort)(i * 37 % 256)).ToArray());
        var mask = SyntheticMasks.RandomPixels(8, 8, 0.5, 3);
        foreach (var filled in new[] { NearestFill.Fill(image, mask), HarmonicFill.Fill(image, mask) })
            for (int p = 0; p < 64; p++)
                if (mask.Known[p])
                    Assert.Equal(image.Samples.Skip(p * 3).Take(3), filled.Samples.Skip(p * 3).Take(3));
    }

    [Fact]
    public void Masks_are_seeded_and_shaped_as_asked()
    {
        var random = SyntheticMasks.RandomPixels(100, 100, 0.3, 42);
        Assert.InRange(random.KnownFraction, 0.27, 0.33);
        Assert.Equal(random.Known, SyntheticMasks.RandomPixels(100, 100, 0.3, 42).Known);
        Assert.NotEqual(random.Known, SyntheticMasks.RandomPixels(100, 100, 0.3, 43).Known);

        var box = SyntheticMasks.CentredBox(8, 6, 0.5);   // a 4x3 hole at (2, 1)
        Assert.Equal(48 - 12, box.KnownCount);
        Assert.False(box.Known[1 * 8 + 2]);
        Assert.True(box.Known[1 * 8 + 1]);
        Assert.False(box.Known[3 * 8 + 5]);
        Assert.True(box.Known[4 * 8 + 5]);

        var strokes = MaskSpec.Parse("strokes").Generate(64, 48, 7);
        Assert.InRange(strokes.KnownFraction, 0.5, 0.97);
        Assert.Equal(strokes.Known, MaskSpec.Parse("strokes:6").Generate(64, 48, 7).Known);
    }

    [Theory]
    [InlineData("random:0.25", "random:0.25", "random-0.25")]
    [InlineData("random", "random:0.5", "random-0.5")]
    [InlineData("box", "box:0.5", "box-0.5")]
    [InlineData("BOX:0.3", "box:0.3", "box-0.3")]
    [InlineData("strokes:10", "strokes:10", "strokes-10")]
    public void Mask_specs_parse_to_a_canonical_text(string text, string canonical, string slug)
    {
        var spec = MaskSpec.Parse(text);
        Assert.Equal((canonical, slug), (spec.Text, spec.Slug));
    }

    [Theory]
    [InlineData("random:0")]
    [InlineData("random:1")]
    [InlineData("box:1")]
    [InlineData("strokes:2.5")]
    [InlineData("circle")]
    [InlineData("random:x")]
    public void Bad_mask_specs_are_refused(string text) =>
        Assert.Throws<NeuralFieldsException>(() => MaskSpec.Parse(text));

    [Fact]
    public void A_mask_image_is_white_for_known()
    {
        var image = new ImageSignal(4, 1, 3, 8, [255, 255, 255, 0, 0, 0, 128, 128, 128, 127, 127, 127]);
        Assert.Equal(new[] { true, false, true, false }, PixelMask.FromImage(image).Known);
        var mask = Mask(3, "#.#");
        Assert.Equal(new ushort[] { 255, 0, 255 }, mask.ToImage().Samples);
        Assert.Equal(mask.Known, PixelMask.FromImage(mask.ToImage()).Known);
    }
}
