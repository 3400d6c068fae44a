using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Tests;

/// <summary>`nf devices` and `--accelerator` on fit and render, with ILGPU's CPU accelerator standing in for a GPU.</summary>
public sealed class AcceleratorCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-accel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteImage(int width, int height)
    {
        var samples = new ushort[width * height * 3];
        for (int i = 0; i < samples.Length; i++) samples[i] = (ushort)(127.5 + 127.5 * Math.Sin(0.37 * i));
        var path = Path.Combine(_folder, "rgb.png");
        ImageFile.SavePng(path, new ImageSignal(width, height, 3, 8, samples));
        return path;
    }

    [Fact]
    public void Devices_lists_the_ilgpu_accelerators_and_torchsharp()
    {
        var devices = Nf.Run("devices");
        Assert.True(devices.ExitCode == 0, devices.Error);
        Assert.Contains("ILGPU CUDA devices:", devices.Out);
        Assert.Contains("ILGPU CPU accelerator:", devices.Out);
        Assert.Contains("TorchSharp:", devices.Out);
        Assert.Contains("threads", devices.Out);
        Assert.Contains("--accelerator auto renders with:", devices.Out);
    }

    [Fact]
    public void The_fused_kernel_renders_the_same_png_as_torchsharp()
    {
        var outDir = Path.Combine(_folder, "run");
        var fit = Nf.Run("fit", WriteImage(10, 8), "--preset", "relu-pe", "--steps", "3", "--out", outDir, "--accelerator", "cpu");
        Assert.True(fit.ExitCode == 0, fit.Error);
        var checkpoint = Path.Combine(outDir, "model.ckpt");

        var torch = Nf.Run("render", checkpoint, "-W", "13", "-H", "9", "-o", Path.Combine(_folder, "torch.png"), "--accelerator", "torch");
        var kernel = Nf.Run("render", checkpoint, "-W", "13", "-H", "9", "-o", Path.Combine(_folder, "kernel.png"), "--accelerator", "cpu");
        Assert.True(torch.ExitCode == 0, torch.Error);
        Assert.True(kernel.ExitCode == 0, kernel.Error);
        Assert.Contains("TorchSharp", torch.Out);
        Assert.Contains("fused kernel", kernel.Out);
        var a = ImageFile.Load(Path.Combine(_folder, "torch.png")).Samples;
        var b = ImageFile.Load(Path.Combine(_folder, "kernel.png")).Samples;
        // Values agree to ~1e-6, so at most a rare 8-bit rounding flip.
        Assert.Equal(a.Length, b.Length);
        Assert.True(a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= 1));
        Assert.True(a.Zip(b).Count(p => p.First != p.Second) <= 2);
    }

    [Fact]
    public void Forced_accelerators_that_cannot_run_fail_with_one_line_before_training()
    {
        var image = WriteImage(6, 5);
        var lossless = Nf.Run("fit", image, "--preset", "lossless", "--steps", "2", "--out", Path.Combine(_folder, "l"), "--accelerator", "cpu");
        Assert.Equal(2, lossless.ExitCode);
        Assert.Contains("--accelerator cpu", lossless.Error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "l")));

        var unknown = Nf.Run("fit", image, "--steps", "2", "--accelerator", "gpu");
        Assert.NotEqual(0, unknown.ExitCode);

        var devices = Nf.Run("devices");
        if (devices.Out.Contains("none found", StringComparison.Ordinal))
        {
            var cuda = Nf.Run("fit", image, "--steps", "2", "--out", Path.Combine(_folder, "c"), "--accelerator", "cuda");
            Assert.Equal(2, cuda.ExitCode);
            Assert.Contains("no CUDA device", cuda.Error);
        }
    }
}
