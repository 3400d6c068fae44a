using System.Text.Json;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Shapes;
using NeuralFields.Fitting.Sources;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Audio;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Fitting.Tests;

/// <summary>The same pipeline on WAV clips and meshes.</summary>
public sealed class SignalFitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-signals-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_sine_sweep_is_fitted_beyond_20_dB_snr_and_written_back_in_its_own_format()
    {
        var clip = Path.Combine(_folder, "sweep.wav");
        WavFile.Save(clip, Signals.Sweep(8000, 2000));
        var source = Assert.IsType<AudioSource>(ModalityRegistry.Open(clip));
        using var result = FieldFit.Run(source, Presets.Load("audio-siren"), new FitOptions { Steps = 300 });
        var audio = Assert.IsType<AudioReconstruction>(result.Reconstruction);
        Assert.True(audio.Snr > 20, result.Summary);

        var run = Path.Combine(_folder, "audio");
        result.Save(run);
        foreach (var file in new[] { "reconstruction.wav", "waveform.png", "curve.png", "model.ckpt" })
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        Assert.Equal(new AudioFormat(8000, 1, 16, false), WavFile.Load(Path.Combine(run, "reconstruction.wav")).Format);
        Assert.True(JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("snr").GetDouble() > 20);
    }

    [Fact]
    public void A_16_bit_clip_is_fitted_exactly_through_the_bit_plane_head_and_float_clips_are_refused()
    {
        const int rate = 8000, frames = 200;
        var codes = new uint[frames];
        for (int i = 0; i < frames; i++)
            codes[i] = (uint)Math.Round(32768 + 12000 * Math.Sin(2 * Math.PI * 440 * i / rate) + 37 * Math.Cos(i));
        var path = Path.Combine(_folder, "tone.wav");
        WavFile.Save(path, new AudioSignal(new AudioFormat(rate, 1, 16, false), frames, codes, null));
        var source = ModalityRegistry.Open(path);
        var (config, name) = ModalityRegistry.ForFitting(path).FitConfig(source, lossless: true, memoryBudget: 1L << 30);
        Assert.Equal("audio-lossless", name);
        using var result = FieldFit.Run(source, config, new FitOptions { Steps = 1500, Lossless = true });
        Assert.True(result.Reconstruction.Exactness!.Exact, result.ExactnessLine);
        Assert.Equal(codes, ((AudioReconstruction)result.Reconstruction).Clip.Codes);   // checked code by code

        var floats = Path.Combine(_folder, "float.wav");
        WavFile.Save(floats, new AudioSignal(new AudioFormat(rate, 1, 32, true), 10, null, new float[10]));
        var refused = Assert.Throws<NeuralFieldsException>(() =>
            FieldFit.Run(ModalityRegistry.Open(floats), Presets.Load("audio-lossless"), new FitOptions { Lossless = true }));
        Assert.Contains("--lossless needs integer PCM", refused.Message);
    }

    [Fact]
    public void A_small_sdf_fit_reaches_a_set_iou_and_extracts_a_surface_in_the_meshs_own_units()
    {
        var sphere = Path.Combine(_folder, "sphere.obj");
        File.WriteAllText(sphere, Signals.Icosphere());
        var config = ConfigJson.Parse("""
            { "encoding": { "type": "hashgrid", "n_levels": 6, "log2_hashmap_size": 12, "base_resolution": 4, "per_level_scale": 1.5 },
              "network": { "type": "mlp", "hidden_layers": 2, "width": 32, "activation": { "type": "relu" } },
              "head": { "type": "linear", "centered": false },
              "training": { "learning_rate": 1e-2, "batch_size": 4096, "beta2": 0.99, "epsilon": 1e-15, "eval_every": 50 } }
            """);
        var source = ModalityRegistry.Open(sphere, new LoadOptions { Field = FieldKind.Sdf, Samples = 20000, Resolution = 32 });
        using var result = FieldFit.Run(source, config, new FitOptions { Steps = 150 });

        var shape = Assert.IsType<ShapeReconstruction>(result.Reconstruction);
        Assert.True(shape.Iou > 0.9, result.Summary);
        Assert.True(shape.Chamfer < 0.05, result.Summary);
        var surface = FieldGrid.ExtractSurface(result.Model, 40);
        Assert.InRange(surface.Vertices.Select(v => v.Length()).Average(), 0.9, 1.1);   // the source sphere has radius 1

        var run = Path.Combine(_folder, "sdf");
        result.Save(run);
        Assert.True(File.Exists(Path.Combine(run, "preview.png")));
        Assert.True(MeshFile.Load(Path.Combine(run, "surface.ply")).TriangleCount > 100);
    }
}
