using NeuralFields.Schema;

namespace NeuralFields.Backends;

/// <summary>
/// Where rendering (and batched encoding) runs: <c>auto</c> takes an ILGPU CUDA device when one exists
/// and the model has a fused kernel, otherwise TorchSharp on the CPU (the fastest CPU path; ILGPU's CPU
/// accelerator is an emulator and never chosen by itself); <c>cuda</c> and <c>cpu</c> force the ILGPU
/// accelerator (the CPU one is for checking, it is slow); <c>torch</c> forces TorchSharp.
/// </summary>
public enum AcceleratorChoice
{
    Auto,
    Cuda,
    Cpu,
    Torch,
}

public static class AcceleratorChoices
{
    public const string Names = "auto, cuda, cpu, torch";

    public static AcceleratorChoice Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => AcceleratorChoice.Auto,
        "cuda" => AcceleratorChoice.Cuda,
        "cpu" => AcceleratorChoice.Cpu,
        "torch" => AcceleratorChoice.Torch,
        _ => throw new NeuralFieldsException($"unknown accelerator '{text}' (choose {Names})"),
    };

    public static string Name(this AcceleratorChoice choice) => choice.ToString().ToLowerInvariant();
}
