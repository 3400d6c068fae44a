using ILGPU;
using ILGPU.Runtime;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Fused;

namespace NeuralFields.Kernels.Runtime;

/// <summary>
/// The kernel entry points. Each is generic over struct types (encoding, coordinate source, activation,
/// head), so ILGPU compiles one specialised kernel per combination; the encoding and the MLP shape are
/// also <see cref="SpecializedValue{T}"/>s, so their constants (octaves, centres, widths, layer counts)
/// are folded into the code on GPUs. The same methods run on the host for the plain C# path.
/// </summary>
public static class Kernels
{
    /// <summary>One coordinate row → one row-major feature row.</summary>
    public static void Encode<TEncoding>(Index1D index, ArrayView<float> coordinates, ArrayView<float> output,
        EncodingData data, SpecializedValue<TEncoding> encoding)
        where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>
    {
        var e = encoding.Value;
        var x = Point.Load(coordinates, index.X, e.InputDims);
        e.Encode(x, data, output, (long)index.X * e.OutputDims, 1);
    }

    /// <summary>
    /// One sample of a chunk, encoding → MLP → head. Activations live in <see cref="FusedBuffers.Scratch"/>,
    /// feature-major ([row · chunk + t], so neighbouring threads touch neighbouring floats), in two halves
    /// that alternate between layers; values go to output[t · outputs + c].
    /// </summary>
    public static void Render<TSource, TEncoding, TActivation, THead>(Index1D index, TSource source, FusedBuffers buffers,
        SpecializedValue<TEncoding> encoding, SpecializedValue<MlpShape> shape,
        SpecializedValue<TActivation> activation, SpecializedValue<THead> head)
        where TSource : unmanaged, ICoordinateSource
        where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>
        where TActivation : unmanaged, IActivationKernel, IEquatable<TActivation>
        where THead : unmanaged, IHeadKernel, IEquatable<THead>
    {
        long t = index.X;
        long chunk = buffers.Chunk;
        var s = shape.Value;
        var act = activation.Value;
        var x = source.At(buffers.Start, t, buffers.Coordinates);
        var scratch = buffers.Scratch;
        long half = (long)s.ScratchRows * chunk;
        encoding.Value.Encode(x, buffers.Encoding, scratch, t, chunk);

        var w = buffers.Weights;
        long input = 0, output = half, at = 0;
        int fanIn = s.Inputs;
        for (int layer = 0; layer < s.HiddenLayers; layer++)
        {
            float omega = layer == 0 ? s.FirstOmega : s.Omega;
            long bias = at + (long)s.Width * fanIn;
            for (int j = 0; j < s.Width; j++)
            {
                float z = w[bias + j];
                long row = at + (long)j * fanIn;
                for (int i = 0; i < fanIn; i++)
                    z += w[row + i] * scratch[input + i * chunk + t];
                scratch[output + j * chunk + t] = act.Apply(z, omega);
            }
            at = bias + s.Width;
            fanIn = s.Width;
            (input, output) = (output, input);
        }
        long outBias = at + (long)s.Outputs * fanIn;
        var h = head.Value;
        for (int j = 0; j < s.Outputs; j++)
        {
            float z = w[outBias + j];
            long row = at + (long)j * fanIn;
            for (int i = 0; i < fanIn; i++)
                z += w[row + i] * scratch[input + i * chunk + t];
            buffers.Output[t * s.Outputs + j] = h.Value(z);
        }
    }
}

/// <summary>The device memory one fused-render launch works on.</summary>
public struct FusedBuffers
{
    /// <summary>First sample of this chunk; the kernel's index t is relative to it.</summary>
    public long Start;
    /// <summary>Samples per chunk: the stride of the feature-major scratch.</summary>
    public long Chunk;
    /// <summary>List coordinates of this chunk (unused for grids).</summary>
    public ArrayView<float> Coordinates;
    public EncodingData Encoding;
    public ArrayView<float> Weights;
    /// <summary>2 · <see cref="MlpShape.ScratchRows"/> · <see cref="Chunk"/> floats.</summary>
    public ArrayView<float> Scratch;
    /// <summary>[chunk, outputs] values.</summary>
    public ArrayView<float> Output;
}
