using System.Buffers.Binary;
using System.IO.Hashing;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Planning;
using NeuralFields.Fitting.Sources;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Tests;

/// <summary>Real-photo planning: size-derived defaults, the memory budget, refusals before any work.</summary>
public sealed class PlanningTests : IDisposable
{
    private const long Gigabyte = 1L << 30;
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-planning-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SignalInfo Image(int width, int height) => new("image", [height, width], 3, 8);

    [Theory]
    [InlineData(64, 48, 14, 0, 500)]                 // 3,072 pixels: the smallest table, the whole image every step
    [InlineData(768, 512, 19, 1 << 18, 500)]         // a Kodak image: 2^19 entries, random batches of 2^18
    [InlineData(4000, 3000, 22, 1 << 18, 916)]       // 12 MP: the largest table, about 20 passes over the pixels
    public void The_default_hash_grid_is_sized_from_the_image(int width, int height, int log2Table, int batch, int steps)
    {
        var config = AutoConfig.For(Image(width, height), 16 * Gigabyte);
        var grid = Assert.IsType<HashGridConfig>(config.Encoding);
        Assert.Equal(log2Table, grid.Log2HashmapSize);
        Assert.Equal(16, grid.NLevels);
        // The finest level has about one cell per pixel of the longer side: base · scale^15 = side.
        Assert.Equal(Math.Max(width, height), grid.BaseResolution * Math.Pow(grid.PerLevelScale, 15), 1.0);
        Assert.Equal(batch, config.Training.BatchSize);
        Assert.Equal(steps, config.Training.Steps);
        Assert.Contains($"{width}x{height}", config.Description);
    }

    [Theory]
    [InlineData(10_000, 14, 0, 500)]                 // a short clip: the smallest table, every sample every step
    [InlineData(308_207, 19, 1 << 18, 500)]          // gt_bach, 7 s: random batches of 2^18
    [InlineData(26_460_000, 22, 1 << 18, 505)]       // ten minutes: the largest table, about 5 passes over the samples
    public void The_default_hash_grid_of_a_clip_is_sized_from_its_samples(int frames, int log2Table, int batch, int steps)
    {
        var config = AutoConfig.For(new SignalInfo("audio", [frames], 1, 16), 16 * Gigabyte);
        var grid = Assert.IsType<HashGridConfig>(config.Encoding);
        Assert.Equal(log2Table, grid.Log2HashmapSize);
        Assert.Equal(frames, grid.BaseResolution * Math.Pow(grid.PerLevelScale, 15), frames * 1e-3);   // one cell per sample at the finest level
        Assert.Equal(batch, config.Training.BatchSize);
        Assert.Equal(steps, config.Training.Steps);
        Assert.Contains(frames.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " samples", config.Description);
    }

    [Fact]
    public void A_small_budget_gets_a_smaller_table_and_a_model_that_cannot_fit_is_refused_with_what_to_change()
    {
        var photo = Image(4000, 3000);
        var small = AutoConfig.For(photo, Gigabyte);
        Assert.True(((HashGridConfig)small.Encoding).Log2HashmapSize < 22);
        Assert.True(MemoryEstimate.Of(small, photo, FitPlan.SmallestBatch).Fixed < Gigabyte);

        var large = AutoConfig.For(photo, 16 * Gigabyte);
        var refused = Assert.Throws<NeuralFieldsException>(() => FitPlan.For(large, photo, photo.SampleCount, photo.SampleCount * 3, Gigabyte / 2));
        Assert.Contains("over the memory budget of 0.50 GB", refused.Message);
        Assert.Contains("log2_hashmap_size", refused.Message);

        var batch = Assert.Throws<NeuralFieldsException>(() => FitPlan.For(large, photo, photo.SampleCount, photo.SampleCount * 3, Gigabyte));
        Assert.Contains("lower training.batch_size or raise --memory", batch.Message);
    }

    [Fact]
    public void Full_batch_only_when_the_whole_signal_fits()
    {
        var signal = Image(256, 256);
        var siren = Presets.Load("siren");
        var roomy = FitPlan.For(siren, signal, signal.SampleCount, signal.SampleCount * 3, 16 * Gigabyte);
        Assert.Equal(0, roomy.Config.Training.BatchSize);

        long tight = MemoryEstimate.Of(siren, signal, 20_000).Total;
        var plan = FitPlan.For(siren, signal, signal.SampleCount, signal.SampleCount * 3, tight);
        Assert.Equal(16384, plan.Config.Training.BatchSize);      // the largest power of two that fits
        Assert.Contains(plan.Notes, n => n.Contains("random batches of 16,384"));
        Assert.True(plan.Memory.Total + signal.SampleCount * 3 <= tight);
    }

    [Fact]
    public void Mini_batches_of_a_64x64_image_reach_the_full_batch_psnr_within_two_decibels()
    {
        var path = Path.Combine(_folder, "image.png");
        ImageFile.SavePng(path, Signals.Image(64, 64));
        var source = ModalityRegistry.Open(path);
        var config = Signals.HashGrid(steps: 300);
        using var full = FieldFit.Run(source, config, new FitOptions { Seed = 1 });
        // Half the image per step for twice the steps: the same number of samples seen.
        var halves = config with { Training = config.Training with { BatchSize = 2048, Steps = 600, EvalEvery = 50 } };
        using var batches = FieldFit.Run(source, halves, new FitOptions { Seed = 1 });
        double a = full.Reconstruction.Psnr!.Value, b = batches.Reconstruction.Psnr!.Value;
        Assert.True(b > a - 2.0, $"full batch {a:F2} dB, batches of 2,048 {b:F2} dB");
    }

    [Fact]
    public void A_header_declaring_more_than_the_budget_is_refused_before_decoding()
    {
        var path = Path.Combine(_folder, "huge.png");
        File.WriteAllBytes(path, PngHeaderOnly(10000, 10000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var refused = Assert.Throws<NeuralFieldsException>(() => ImageFile.Load(path, maxBytes: Gigabyte));
        Assert.Contains("declares 10000x10000 pixels", refused.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "the refusal allocated more than 16 MB");
    }

    /// <summary>A PNG whose IHDR declares width x height 8-bit RGB, followed by an empty IDAT and IEND.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.HashToUInt32(typed));
        png.Write(word);
    }
}
