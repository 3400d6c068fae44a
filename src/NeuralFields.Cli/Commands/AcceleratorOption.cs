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
}
