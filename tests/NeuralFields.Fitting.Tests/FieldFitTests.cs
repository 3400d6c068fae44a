using System.Text.Json;
using NeuralFields.Core.Metrics;
using NeuralFields.Core.Models;
using NeuralFields.Core.Training;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Rendering;
using NeuralFields.Fitting.Sources;
using NeuralFields.Schema;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Tests;

/// <summary>The pipeline on images: outputs, measurements, exact fits, resumes, refusals.</summary>
public sealed class FieldFitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-fitting-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ImageSource Source(ImageSignal image, string name = "image.png")
    {
        var path = Path.Combine(_folder, name);
        ImageFile.SavePng(path, image);
        return (ImageSource)ModalityRegistry.Open(path);
    }

    [Fact]
    public void A_fit_saves_every_output_and_its_numbers_are_those_of_the_written_reconstruction()
    {
        var image = Signals.Image(16, 12);
        var source = Source(image);
        using var result = FieldFit.Run(source, Signals.HashGrid(steps: 40), new FitOptions { Seed = 3, ConfigName = "tiny" });
        var run = Path.Combine(_folder, "run");
        result.Save(run);

        foreach (var file in new[] { "reconstruction.png", "metrics.json", "curve.png", "model.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.Empty(Directory.GetDirectories(_folder, ".run.partial-*"));
        var written = ImageFile.Load(Path.Combine(run, "reconstruction.png"));
        Assert.Equal((16, 12, 3, 8), (written.Width, written.Height, written.Channels, written.BitDepth));
        double psnr = Psnr.Compute(written.Values(), image.Values());
        var reconstruction = Assert.IsType<ImageReconstruction>(result.Reconstruction);
        Assert.Equal(psnr, reconstruction.Psnr!.Value, 10);
        Assert.True(psnr > 20, $"{psnr:F2} dB after 40 steps");

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json")));
        var root = metrics.RootElement;
        Assert.Equal(source.Origin, root.GetProperty("image").GetString());
        Assert.Equal("tiny", root.GetProperty("config").GetString());
        Assert.Equal(40, root.GetProperty("steps").GetInt32());
        Assert.Equal(Math.Round(psnr, 4), root.GetProperty("psnr").GetDouble());
        Assert.Equal(Math.Round(reconstruction.Ssim, 6), root.GetProperty("ssim").GetDouble());
        Assert.Equal(result.Parameters, root.GetProperty("parameters").GetInt64());
        Assert.Equal("hashgrid", root.GetProperty("model").GetProperty("encoding").GetProperty("type").GetString());
        Assert.Equal(40, root.GetProperty("curve").GetArrayLength());
    }

    [Fact]
    public void A_lossless_fit_stops_at_the_first_exact_check_and_decodes_every_sample()
    {
        var image = Signals.Image(8, 8);
        using var result = FieldFit.Run(Source(image), Signals.HashGrid("bitplane", steps: 2000), new FitOptions { Lossless = true, Seed = 1 });

        var exactness = result.Reconstruction.Exactness!;
        Assert.True(exactness.Exact, result.ExactnessLine);
        Assert.Equal(image.Samples, ((ImageReconstruction)result.Reconstruction).Image.Samples);
        Assert.True(result.ReachedTarget);
        Assert.Equal(result.FirstExact!.Step, result.Steps);                    // stopped as soon as it was exact
        Assert.StartsWith("lossless: every sample decodes exactly, reached after", result.ExactnessLine);
        var run = Path.Combine(_folder, "exact");
        result.Save(run);
        Assert.True(new FileInfo(Path.Combine(run, "bitplanes.png")).Length > 1000);
        Assert.Equal("inf", JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("psnr").GetString());

        // The checkpoint renders the same integers at the trained resolution.
        var rendered = FieldImages.Render(Checkpoint.Load(Path.Combine(run, "model.ckpt")).Model, null, null, null, Backends.AcceleratorChoice.Torch);
        Assert.Equal(image.Samples, rendered.Image.Samples);
    }

    [Fact]
    public void Resuming_a_saved_run_ends_where_the_uninterrupted_run_ends()
    {
        var source = Source(Signals.Image(12, 12));
        var config = Signals.HashGrid(steps: 30) with { Training = Signals.HashGrid().Training with { BatchSize = 64, EvalEvery = 10 } };
        using var straight = FieldFit.Run(source, config, new FitOptions { Steps = 30, Seed = 5 });

        using (var first = FieldFit.Run(source, config, new FitOptions { Steps = 15, Seed = 5 }))
            first.SaveCheckpoint(Path.Combine(_folder, "half.ckpt"));
        var half = Checkpoint.Load(Path.Combine(_folder, "half.ckpt"));
        using var resumed = FieldFit.Run(source, config, new FitOptions { Steps = 30, Resume = half });

        Assert.Equal(30, resumed.Steps);
        Assert.Equal(((ImageReconstruction)straight.Reconstruction).Image.Samples, ((ImageReconstruction)resumed.Reconstruction).Image.Samples);
    }

    [Theory]
    [InlineData(0)]     // full batch: the curve's last point was the loss before the last update
    [InlineData(64)]    // mini-batches: the trainer leaves the last full measurement to the reconstruction
    public void The_curve_ends_at_the_reconstructions_own_measurement_of_the_last_weights(int batch)
    {
        var source = Source(Signals.Image(12, 12));
        var config = Signals.HashGrid() with { Training = Signals.HashGrid(steps: 25).Training with { BatchSize = batch, EvalEvery = 10 } };
        using var result = FieldFit.Run(source, config, new FitOptions { Seed = 2 });

        var last = result.Curve[^1];
        Assert.Equal(25, last.Step);
        Assert.False(last.Subset);
        Assert.Equal(((ImageReconstruction)result.Reconstruction).PsnrFloat, last.Psnr);
        // The same number the trainer's own full evaluation gives, within the two forward passes' rounding.
        using var samples = source.TrainingSamples(0);
        using var trainer = new Trainer(result.Model, samples, 0);
        Assert.Equal(trainer.Evaluate(), last.Psnr, 3);
        Assert.Equal(batch == 0 ? 25 : 3, result.Curve.Count);
    }

    [Fact]
    public void Options_a_signal_cannot_take_are_refused_before_training()
    {
        var source = Source(Signals.Image(4, 4));
        var error = Assert.Throws<NeuralFieldsException>(() => FieldFit.Run(source, Presets.Load("siren"), new FitOptions { Lossless = true }));
        Assert.Contains("--lossless needs a bit-plane head", error.Message);

        var other = Source(Signals.Image(5, 4), "other.png");
        using (var fit = FieldFit.Run(source, Signals.HashGrid(steps: 2), new FitOptions()))
            fit.SaveCheckpoint(Path.Combine(_folder, "four.ckpt"));
        var mismatch = Assert.Throws<NeuralFieldsException>(() =>
            FieldFit.Run(other, Signals.HashGrid(), new FitOptions { Resume = Checkpoint.Load(Path.Combine(_folder, "four.ckpt")) }));
        Assert.Contains("was trained on a 4x4", mismatch.Message);
    }
}
