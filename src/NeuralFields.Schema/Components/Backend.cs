namespace NeuralFields.Schema.Components;

/// <summary>The implementations that compute components. Each registered component says which of them it has.</summary>
public enum Backend
{
    /// <summary>TorchSharp modules (NeuralFields.Core): training and the reference every other backend is tested against.</summary>
    Torch,

    /// <summary>ILGPU kernels (NeuralFields.Kernels): batched encoding and fused rendering, on CUDA GPUs (the CPU accelerator checks them).</summary>
    Kernels,

    /// <summary>The portable neural-file decoder (NeuralFields.Codec.Decoder): fixed-order float32, no TorchSharp.</summary>
    Decoder,

    /// <summary>The fused CPU training step (NeuralFields.Core's Training/Fused): forward, backward and loss tile by tile in vectorised C#.</summary>
    FusedStep,
}
