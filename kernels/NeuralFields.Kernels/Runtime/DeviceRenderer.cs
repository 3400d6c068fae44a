using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Fused;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Runtime;

/// <summary>
/// Renders a trained field with the fused kernel (encoding + MLP + head per sample) on one accelerator.
/// The weights and encoding data are copied once; samples go through in chunks of at most
/// <see cref="Chunk"/>, whose scratch, coordinates and outputs are the only per-chunk memory, so a
/// render of any size (8K images, 512³ volumes) needs the same device memory.
/// </summary>
public sealed class DeviceRenderer : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _floats, _weights, _scratch, _output, _coordinates;
    private readonly MemoryBuffer1D<HashGridLevel, Stride1D.Dense> _levels;
    private readonly FusedLauncher _launcher;

    /// <param name="chunk">Samples per launch; by default as many as fit in a quarter of the device's memory (at most 2^22).</param>
    public DeviceRenderer(Accelerator accelerator, FusedField field, int? chunk = null)
    {
        _accelerator = accelerator;
        Plan = EncodingPlan.Build(field.Encoding);
        Shape = field.Shape(Plan.OutputDims);
        long perSample = 4L * (2L * Shape.ScratchRows + Shape.Outputs + Plan.InputDims);
        Chunk = chunk ?? DefaultChunk(accelerator, perSample);
        ArgumentOutOfRangeException.ThrowIfLessThan(Chunk, 1, nameof(chunk));
        _floats = DeviceArrays.Upload(accelerator, Plan.Floats);
        _levels = DeviceArrays.Upload(accelerator, Plan.Levels);
        _weights = DeviceArrays.Upload(accelerator, field.Parameters);
        _scratch = accelerator.Allocate1D<float>(2L * Shape.ScratchRows * Chunk);
        _output = accelerator.Allocate1D<float>((long)Shape.Outputs * Chunk);
        _coordinates = accelerator.Allocate1D<float>((long)Plan.InputDims * Chunk);
        _launcher = Plan.Accept(new LauncherFactory(accelerator, field.Network.Activation, field.Head, Shape));
    }

    public EncodingPlan Plan { get; }

    public MlpShape Shape { get; }

    /// <summary>Samples per launch.</summary>
    public int Chunk { get; }

    /// <summary>Device memory this renderer holds, in bytes.</summary>
    public long DeviceBytes => 4 * (_floats.Length + _weights.Length + _scratch.Length + _output.Length + _coordinates.Length)
                               + _levels.LengthInBytes;

    /// <summary>Values [samples, outputs] on a <see cref="Schema.SampleGrid"/> of these dimensions (slowest axis first).</summary>
    public float[] RenderGrid(IReadOnlyList<int> dimensions)
    {
        var grid = new GridSource(dimensions);
        if (grid.Dims != Plan.InputDims)
            throw new ArgumentException($"the field takes {Plan.InputDims}-D coordinates, not a {grid.Dims}-D grid", nameof(dimensions));
        var values = new float[checked(grid.Samples * Shape.Outputs)];
        for (long start = 0; start < grid.Samples; start += Chunk)
        {
            int count = (int)System.Math.Min(Chunk, grid.Samples - start);
            _launcher.Grid(count, grid, Buffers(start));
            CopyOut(values.AsSpan(checked((int)(start * Shape.Outputs)), count * Shape.Outputs));
        }
        return values;
    }

    /// <summary>Values [N, outputs] at row-major [N, dims] coordinates.</summary>
    public float[] Render(ReadOnlySpan<float> coordinates)
    {
        int dims = Plan.InputDims;
        if (coordinates.Length % dims != 0) throw new ArgumentException($"coordinates must be [N, {dims}]", nameof(coordinates));
        long n = coordinates.Length / dims;
        var values = new float[n * Shape.Outputs];
        var source = new ListSource(dims);
        for (long start = 0; start < n; start += Chunk)
        {
            int count = (int)System.Math.Min(Chunk, n - start);
            var input = coordinates.Slice((int)(start * dims), count * dims);
            _coordinates.View.SubView(0, input.Length).CopyFromCPU(ref MemoryMarshal.GetReference(input), input.Length);
            _launcher.List(count, source, Buffers(0));
            CopyOut(values.AsSpan((int)(start * Shape.Outputs), count * Shape.Outputs));
        }
        return values;
    }

    /// <summary>One launch over <paramref name="count"/> grid samples from <paramref name="start"/>, results left on the device (benchmarks).</summary>
    public void RenderGridOnDevice(IReadOnlyList<int> dimensions, long start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Chunk);
        _launcher.Grid(count, new GridSource(dimensions), Buffers(start));
        _accelerator.Synchronize();
    }

    public void Dispose()
    {
        _floats.Dispose();
        _levels.Dispose();
        _weights.Dispose();
        _scratch.Dispose();
        _output.Dispose();
        _coordinates.Dispose();
    }

    private FusedBuffers Buffers(long start) => new()
    {
        Start = start,
        Chunk = Chunk,
        Coordinates = _coordinates.View,
        Encoding = new EncodingData { Floats = _floats.View, Levels = _levels.View },
        Weights = _weights.View,
        Scratch = _scratch.View,
        Output = _output.View,
    };

    private void CopyOut(Span<float> target) =>
        _output.View.SubView(0, target.Length).CopyToCPU(ref MemoryMarshal.GetReference(target), target.Length);

    private static int DefaultChunk(Accelerator accelerator, long bytesPerSample)
    {
        if (accelerator.AcceleratorType == AcceleratorType.CPU) return 4096;   // the emulator: small launches
        long budget = System.Math.Min(accelerator.MemorySize / 4, 1L << 30);
        return (int)System.Math.Clamp(budget / bytesPerSample, 1024, 1 << 22);
    }

    /// <summary>The typed launchers of one (encoding, activation, head) combination.</summary>
    private abstract class FusedLauncher
    {
        public abstract void Grid(int count, GridSource source, FusedBuffers buffers);

        public abstract void List(int count, ListSource source, FusedBuffers buffers);
    }

    private sealed class FusedLauncher<TEncoding, TActivation, THead>(Accelerator accelerator, TEncoding encoding,
        TActivation activation, THead head, MlpShape shape) : FusedLauncher
        where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>
        where TActivation : unmanaged, IActivationKernel, IEquatable<TActivation>
        where THead : unmanaged, IHeadKernel, IEquatable<THead>
    {
        private readonly Action<Index1D, GridSource, FusedBuffers, SpecializedValue<TEncoding>, SpecializedValue<MlpShape>,
            SpecializedValue<TActivation>, SpecializedValue<THead>> _grid = Load<GridSource>(accelerator);
        private readonly Action<Index1D, ListSource, FusedBuffers, SpecializedValue<TEncoding>, SpecializedValue<MlpShape>,
            SpecializedValue<TActivation>, SpecializedValue<THead>> _list = Load<ListSource>(accelerator);

        public override void Grid(int count, GridSource source, FusedBuffers buffers)
        {
            _grid(count, source, buffers, SpecializedValue.New(encoding), SpecializedValue.New(shape), SpecializedValue.New(activation), SpecializedValue.New(head));
            accelerator.Synchronize();
        }

        public override void List(int count, ListSource source, FusedBuffers buffers)
        {
            _list(count, source, buffers, SpecializedValue.New(encoding), SpecializedValue.New(shape), SpecializedValue.New(activation), SpecializedValue.New(head));
            accelerator.Synchronize();
        }

        private static Action<Index1D, TSource, FusedBuffers, SpecializedValue<TEncoding>, SpecializedValue<MlpShape>,
            SpecializedValue<TActivation>, SpecializedValue<THead>> Load<TSource>(Accelerator accelerator)
            where TSource : unmanaged, ICoordinateSource
        {
            Action<Index1D, TSource, FusedBuffers, SpecializedValue<TEncoding>, SpecializedValue<MlpShape>,
                SpecializedValue<TActivation>, SpecializedValue<THead>> kernel = Kernels.Render;
            return KernelCache.For(accelerator).Get(kernel, a => a.LoadAutoGroupedStreamKernel<Index1D, TSource, FusedBuffers,
                SpecializedValue<TEncoding>, SpecializedValue<MlpShape>, SpecializedValue<TActivation>, SpecializedValue<THead>>(Kernels.Render));
        }
    }

    /// <summary>Picks the launcher's three kernel structs: the plan's encoding, then the activation and head of the config.</summary>
    private sealed class LauncherFactory(Accelerator accelerator, ActivationConfig activation, HeadConfig head, MlpShape shape)
        : IEncodingVisitor<FusedLauncher>
    {
        private Accelerator Accelerator => accelerator;
        private HeadConfig Head => head;
        private MlpShape Shape => shape;

        public FusedLauncher Visit<TEncoding>(TEncoding encoding) where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding> =>
            ActivationChoice.For(activation).Accept(new WithActivation<TEncoding>(this, encoding));

        private sealed class WithActivation<TEncoding>(LauncherFactory factory, TEncoding encoding) : IActivationVisitor<FusedLauncher>
            where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>
        {
            public FusedLauncher Visit<TActivation>(TActivation activation) where TActivation : unmanaged, IActivationKernel, IEquatable<TActivation> =>
                HeadChoice.For(factory.Head).Accept(new WithHead<TEncoding, TActivation>(factory, encoding, activation));
        }

        private sealed class WithHead<TEncoding, TActivation>(LauncherFactory factory, TEncoding encoding, TActivation activation) : IHeadVisitor<FusedLauncher>
            where TEncoding : unmanaged, IEncodingKernel, IEquatable<TEncoding>
            where TActivation : unmanaged, IActivationKernel, IEquatable<TActivation>
        {
            public FusedLauncher Visit<THead>(THead head) where THead : unmanaged, IHeadKernel, IEquatable<THead> =>
                new FusedLauncher<TEncoding, TActivation, THead>(factory.Accelerator, encoding, activation, head, factory.Shape);
        }
    }
}
