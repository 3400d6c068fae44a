using System.CommandLine;
using NeuralFields.Backends;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Fused;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Commands;

/// <summary>`--accelerator auto|cuda|cpu|torch`: where an image field is rendered.</summary>
internal static class AcceleratorOption
{
    public const string Default = "auto";

    public static Option<string> Create(string what)
    {
        var option = new Option<string>("--accelerator")
        {
            Description = $"Where {what} runs: auto (an ILGPU CUDA GPU when one exists, else TorchSharp on the CPU), " +
                          "cuda (the fused ILGPU kernel on the GPU), cpu (the same kernel on ILGPU's CPU emulator: slow, for checking) " +
                          "or torch (TorchSharp on the CPU); `nf devices` lists what was found",
            DefaultValueFactory = _ => Default,
        };
        option.AcceptOnlyFromAmong("auto", "cuda", "cpu", "torch");
        return option;
    }

    public static AcceleratorChoice Parse(string? value) => AcceleratorChoices.Parse(value ?? Default);

    /// <summary>Fails before any work when a forced ILGPU choice cannot render this model or finds no GPU.</summary>
    public static void Check(FieldConfig config, AcceleratorChoice choice)
    {
        if (choice is not (AcceleratorChoice.Cuda or AcceleratorChoice.Cpu)) return;
        if (!FusedField.IsSupported(config, out var reason))
            throw new NeuralFieldsException($"--accelerator {choice.Name()}: {reason}; use --accelerator torch (or auto)");
        if (choice == AcceleratorChoice.Cuda && !FieldRenderers.HasCuda())
            throw new NeuralFieldsException("--accelerator cuda: ILGPU found no CUDA device (`nf devices` lists what was found)");
    }

    /// <summary>
    /// Values [height·width, channels] of an image field on its sample grid, on the chosen backend;
    /// <paramref name="backend"/> names what ran. Progressive levels other than the finest are TorchSharp only.
    /// </summary>
    public static float[] RenderImage(FieldModel model, int height, int width, int? level, AcceleratorChoice choice, out string backend)
    {
        if (level is not null || choice == AcceleratorChoice.Torch)
        {
            if (level is not null && choice is AcceleratorChoice.Cuda or AcceleratorChoice.Cpu)
                throw new NeuralFieldsException($"--level renders with TorchSharp only; drop --accelerator {choice.Name()}");
            using var scope = NewDisposeScope();
            var coordinates = tensor(SampleGrid.Coordinates([height, width])).reshape(-1, 2);
            backend = $"TorchSharp CPU, {get_num_threads()} threads";
            return model.Predict(coordinates, level: level).contiguous().data<float>().ToArray();
        }
        using var renderer = FieldRenderers.Create(model, choice, out var note);
        if (note is not null) Console.Error.WriteLine($"note: {note}");
        var values = renderer.RenderGrid([height, width]);
        backend = renderer.Backend;
        return values;
    }
}
