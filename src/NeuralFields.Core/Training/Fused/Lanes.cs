using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralFields.Core.Training.Fused;

/// <summary>
/// The vector operations the fused kernels use, over one register width: the kernels are written once, generic over
/// this interface, and the JIT compiles a copy per width (AVX-512, AVX2 or plain floats) with every call inlined.
/// </summary>
/// <typeparam name="TVector">The register type: Vector512&lt;float&gt;, Vector256&lt;float&gt; or float.</typeparam>
internal unsafe interface ILanes<TVector> where TVector : unmanaged
{
    /// <summary>Floats per register.</summary>
    static abstract int Count { get; }

    /// <summary>Architectural vector registers (32 with AVX-512, 16 with AVX2): how large a block of accumulators fits without spilling.</summary>
    static abstract int Registers { get; }

    static abstract TVector Load(float* at);

    static abstract void Store(TVector value, float* at);

    static abstract TVector Broadcast(float value);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary>a·b + c (one rounding where the hardware has fused multiply-add).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Relu(TVector a);

    /// <summary><paramref name="gradient"/> where <paramref name="output"/> &gt; 0, else 0: ReLU's backward from its output.</summary>
    static abstract TVector PassPositive(TVector gradient, TVector output);

    static abstract (TVector Sin, TVector Cos) SinCos(TVector a);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TVector a);
}

/// <summary>AVX-512: sixteen floats.</summary>
internal readonly unsafe struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static int Registers => 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* at) => Vector512.Load(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* at) => value.Store(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> a) => Vector512.Max(a, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> PassPositive(Vector512<float> gradient, Vector512<float> output) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(output, Vector512<float>.Zero), gradient, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector512<float> Sin, Vector512<float> Cos) SinCos(Vector512<float> a) => Vector512.SinCos(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> a) => Vector512.Sum(a);
}

/// <summary>AVX2: eight floats.</summary>
internal readonly unsafe struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static int Registers => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* at) => Vector256.Load(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* at) => value.Store(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> a) => Vector256.Max(a, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> PassPositive(Vector256<float> gradient, Vector256<float> output) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(output, Vector256<float>.Zero), gradient, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Sin, Vector256<float> Cos) SinCos(Vector256<float> a) => Vector256.SinCos(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> a) => Vector256.Sum(a);
}

/// <summary>Plain floats, for CPUs without either vector width (and as the reference the vector paths are tested against).</summary>
internal readonly unsafe struct LanesScalar : ILanes<float>
{
    public static int Count => 1;

    public static int Registers => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* at) => *at;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, float* at) => *at = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float a) => a > 0 ? a : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float PassPositive(float gradient, float output) => output > 0 ? gradient : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float Sin, float Cos) SinCos(float a) => MathF.SinCos(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float a) => a;
}
