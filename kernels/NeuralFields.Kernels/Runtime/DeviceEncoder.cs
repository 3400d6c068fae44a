using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Runtime;

/// <summary>
/// Encodes batches of coordinates with one encoding on one accelerator: the encoding's data is copied
/// once, coordinates go through in chunks of at most <see cref="Chunk"/> rows, so device memory stays
/// bounded whatever the batch.
/// </summary>
public sealed class DeviceEncoder : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _floats;
    private readonly MemoryBuffer1D<HashGridLevel, Stride1D.Dense> _levels;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _coordinates;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _features;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, EncodingData> _launch;

    public DeviceEncoder(Accelerator accelerator, EncodingPlan plan, int chunk = 1 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        _accelerator = accelerator;
        Plan = plan;
        Chunk = chunk;
        _floats = DeviceArrays.Upload(accelerator, plan.Floats);
        _levels = DeviceArrays.Upload(accelerator, plan.Levels);
        _coordinates = accelerator.Allocate1D<float>((long)chunk * plan.InputDims);
        _features = accelerator.Allocate1D<float>((long)chunk * plan.OutputDims);
        _launch = plan.Accept(new LauncherFactory(accelerator));
    }

    public EncodingPlan Plan { get; }

    public int Chunk { get; }

    /// <summary>Row-major [N, InputDims] coordinates → [N, OutputDims] features.</summary>
    public float[] Encode(ReadOnlySpan<float> coordinates)
    {
        var features = new float[coordinates.Length / Plan.InputDims * (long)Plan.OutputDims];
        Encode(coordinates, features);
        return features;
    }

    /// <summary>Row-major [N, InputDims] coordinates → <paramref name="features"/> [N, OutputDims].</summary>
    public void Encode(ReadOnlySpan<float> coordinates, Span<float> features)
    {
        int dims = Plan.InputDims, width = Plan.OutputDims;
        if (coordinates.Length % dims != 0) throw new ArgumentException($"coordinates must be [N, {dims}]", nameof(coordinates));
        long n = coordinates.Length / dims;
        if (features.Length != n * width) throw new ArgumentException($"features must be [{n}, {width}]", nameof(features));
        var data = new EncodingData { Floats = _floats.View, Levels = _levels.View };
        for (long start = 0; start < n; start += Chunk)
        {
            int count = (int)System.Math.Min(Chunk, n - start);
            var input = coordinates.Slice((int)(start * dims), count * dims);
            _coordinates.View.SubView(0, input.Length).CopyFromCPU(ref MemoryMarshal.GetReference(input), input.Length);
            _launch(count, _coordinates.View, _features.View, data);
            var output = features.Slice((int)(start * width), count * width);
            _features.View.SubView(0, output.Length).CopyToCPU(ref MemoryMarshal.GetReference(output), output.Length);
        }
    }

    /// <summary>Runs the kernel on <paramref name="count"/> coordinates already on the device (for benchmarks).</summary>
    public void EncodeOnDevice(int count, ArrayView<float> coordinates, ArrayView<float> features)
    {
        _launch(count, coordinates, features, new EncodingData { Floats = _floats.View, Levels = _levels.View });
        _accelerator.Synchronize();
    }

    public void Dispose()
    {
        _floats.Dispose();
        _levels.Dispose();
        _coordinates.Dispose();
        _features.Dispose();
    }

    private sealed class LauncherFactory(Accelerator accelerator)
        : IEncodingVisitor<Action<Index1D, ArrayView<float>, ArrayView<float>, EncodingData>>
    {
        public Action<Index1D, ArrayView<float>, ArrayView<float>, EncodingData> Visit<TEncoding>(TEncoding encoding)
            where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>
        {
            Action<Index1D, ArrayView<float>, ArrayView<float>, EncodingData, SpecializedValue<TEncoding>> kernel = Kernels.Encode;
            var launch = KernelCache.For(accelerator).Get(kernel,
                a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, EncodingData, SpecializedValue<TEncoding>>(Kernels.Encode));
            var specialized = SpecializedValue.New(encoding);
            return (index, coordinates, features, data) => launch(index, coordinates, features, data, specialized);
        }
    }
}

/// <summary>Host arrays to device buffers (never empty: ILGPU wants a length of at least 1).</summary>
internal static class DeviceArrays
{
    public static MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(Accelerator accelerator, T[] values) where T : unmanaged
    {
        var buffer = accelerator.Allocate1D<T>(System.Math.Max(1, values.LongLength));
        if (values.Length > 0) buffer.View.SubView(0, values.LongLength).CopyFromCPU(ref values[0], values.LongLength);
        return buffer;
    }
}
