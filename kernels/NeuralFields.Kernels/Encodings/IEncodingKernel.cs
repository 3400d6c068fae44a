using ILGPU;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// The device data of an encoding: its float constants (Fourier matrix, centres, normalisation, hash
/// tables) in one buffer, and hash-grid level constants. Each encoding struct knows its offsets into it.
/// </summary>
public struct EncodingData
{
    public ArrayView<float> Floats;
    public ArrayView<HashGridLevel> Levels;
}

/// <summary>
/// An encoding without learnable state, as a kernel: a struct of constants only (unmanaged and
/// equatable, so a whole encoding can be a <c>SpecializedValue</c> and its loop bounds become
/// compile-time constants on the GPU), reading any arrays from <see cref="EncodingData"/>. Kernels are
/// generic over the struct type, so every encoding gets its own compiled, inlined code.
/// </summary>
public interface IEncodingKernel
{
    int InputDims { get; }

    int OutputDims { get; }

    /// <summary>
    /// Writes the <see cref="OutputDims"/> features of <paramref name="x"/> to
    /// output[at + k·stride] (stride 1: a row-major row; stride = batch: feature-major columns).
    /// </summary>
    void Encode(Point x, in EncodingData data, ArrayView<float> output, long at, long stride);
}
