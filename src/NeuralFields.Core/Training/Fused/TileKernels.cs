using System.Runtime.CompilerServices;

namespace NeuralFields.Core.Training.Fused;

/// <summary>What a layer applies after its matrix product: nothing (the output layer), ReLU or sin(ω·z).</summary>
internal enum LayerActivation
{
    None,
    Relu,
    Sine,
}

/// <summary>Stores one register of a matrix product's result, applying what the layer does element-wise on the way.</summary>
internal unsafe interface IEpilogue<TVector> where TVector : unmanaged
{
    void Apply(int row, int column, TVector value);
}

/// <summary>
/// Forward epilogue: z + bias, then the activation, stored to the layer's outputs; a sine layer also stores its
/// derivative ω·cos(ω·z), so the backward pass is one multiply (no second pass over z).
/// </summary>
internal readonly unsafe struct BiasActivation<TLanes, TVector>(float* bias, float* output, int stride, float* derivative, LayerActivation activation, float omega)
    : IEpilogue<TVector> where TLanes : struct, ILanes<TVector> where TVector : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int row, int column, TVector value)
    {
        var z = TLanes.Add(value, TLanes.Load(bias + column));
        float* at = output + (long)row * stride + column;
        switch (activation)
        {
            case LayerActivation.Relu:
                TLanes.Store(TLanes.Relu(z), at);
                break;
            case LayerActivation.Sine:
                var w = TLanes.Broadcast(omega);
                var (sin, cos) = TLanes.SinCos(TLanes.Multiply(z, w));
                TLanes.Store(sin, at);
                TLanes.Store(TLanes.Multiply(cos, w), derivative + (long)row * stride + column);
                break;
            default:
                TLanes.Store(z, at);
                break;
        }
    }
}

/// <summary>
/// Backward epilogue: the gradient reaching a hidden layer's outputs times the activation's derivative (ReLU: where
/// its output is positive; sine: the stored ω·cos), which is the gradient of that layer's pre-activation.
/// </summary>
internal readonly unsafe struct ActivationGradient<TLanes, TVector>(float* gradient, int stride, float* output, float* derivative, LayerActivation activation)
    : IEpilogue<TVector> where TLanes : struct, ILanes<TVector> where TVector : unmanaged
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int row, int column, TVector value)
    {
        long at = (long)row * stride + column;
        var g = activation switch
        {
            LayerActivation.Relu => TLanes.PassPositive(value, TLanes.Load(output + at)),
            LayerActivation.Sine => TLanes.Multiply(value, TLanes.Load(derivative + at)),
            _ => value,
        };
        TLanes.Store(g, gradient + at);
    }
}

/// <summary>
/// The matrix kernels of the fused step on one tile of samples. Every matrix is row-major with rows padded to a
/// multiple of 16 floats (zeros in the padding), samples are rows, so a register holds consecutive units of one
/// sample. Products run in register blocks sized to the register file: with 32 registers (AVX-512) 4 samples x 4
/// registers (16 accumulators, one weight row load shared by four samples), with 16 (AVX2) 6 samples x 2
/// registers (12 accumulators: 4 x 4 needs 21 registers there, and the JIT spilled five accumulators to the stack
/// on every step of the loop). The element-wise work of the layer happens in the epilogue while the block is
/// still in registers.
/// </summary>
internal static unsafe class TileKernels<TLanes, TVector> where TLanes : struct, ILanes<TVector> where TVector : unmanaged
{
    /// <summary>
    /// c[r, j] = Σ_k a[r, k]·b[k, j] for r &lt; <paramref name="rows"/> (a multiple of <see cref="RowMultiple"/>),
    /// j &lt; <paramref name="columns"/> (a multiple of <see cref="FusedNetwork.Pad"/>), handed to
    /// <paramref name="epilogue"/> a register at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<TEpilogue>(float* a, int aStride, float* b, int bStride, int depth, int rows, int columns, TEpilogue epilogue)
        where TEpilogue : struct, IEpilogue<TVector>
    {
        if (TLanes.Registers >= 32) Multiply4x4(a, aStride, b, bStride, depth, rows, columns, epilogue);
        else Multiply6x2(a, aStride, b, bStride, depth, rows, columns, epilogue);
    }

    /// <summary>Tile rows are a multiple of this: both block heights (4 and 6 samples) divide it.</summary>
    public const int RowMultiple = 12;

    private static void Multiply6x2<TEpilogue>(float* a, int aStride, float* b, int bStride, int depth, int rows, int columns, TEpilogue epilogue)
        where TEpilogue : struct, IEpilogue<TVector>
    {
        int v = TLanes.Count;
        TVector* block = stackalloc TVector[12];
        for (int r = 0; r < rows; r += 6)
        {
            float* a0 = a + (long)r * aStride;
            for (int c = 0; c < columns; c += 2 * v)
            {
                Block6x2(a0, aStride, b + c, bStride, depth, block);
                for (int i = 0; i < 12; i++)
                    epilogue.Apply(r + (i >> 1), c + (i & 1) * v, block[i]);
            }
        }
    }

    private static void Multiply4x4<TEpilogue>(float* a, int aStride, float* b, int bStride, int depth, int rows, int columns, TEpilogue epilogue)
        where TEpilogue : struct, IEpilogue<TVector>
    {
        int v = TLanes.Count;
        TVector* block = stackalloc TVector[16];
        for (int r = 0; r < rows; r += 4)
        {
            float* a0 = a + (long)r * aStride, a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride;
            int c = 0;
            for (; c + 4 * v <= columns; c += 4 * v)
            {
                Block4x4(a0, a1, a2, a3, b + c, bStride, depth, block);
                for (int i = 0; i < 16; i++)
                    epilogue.Apply(r + (i >> 2), c + (i & 3) * v, block[i]);
            }
            for (; c < columns; c += v)
            {
                Block4x1(a0, a1, a2, a3, b + c, bStride, depth, block);
                for (int i = 0; i < 4; i++)
                    epilogue.Apply(r + i, c, block[i]);
            }
        }
    }

    // The products are their own methods, with no call inside: an accumulator live across the epilogue's calls
    // (sin, cos) would otherwise be spilled to the stack on every iteration of the loop over k.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block4x4(float* a0, float* a1, float* a2, float* a3, float* bk, int bStride, int depth, TVector* block)
    {
        int v = TLanes.Count;
        TVector s00 = default, s01 = default, s02 = default, s03 = default;
        TVector s10 = default, s11 = default, s12 = default, s13 = default;
        TVector s20 = default, s21 = default, s22 = default, s23 = default;
        TVector s30 = default, s31 = default, s32 = default, s33 = default;
        for (int k = 0; k < depth; k++, bk += bStride)
        {
            var b0 = TLanes.Load(bk); var b1 = TLanes.Load(bk + v); var b2 = TLanes.Load(bk + 2 * v); var b3 = TLanes.Load(bk + 3 * v);
            var x = TLanes.Broadcast(a0[k]);
            s00 = TLanes.MultiplyAdd(x, b0, s00); s01 = TLanes.MultiplyAdd(x, b1, s01); s02 = TLanes.MultiplyAdd(x, b2, s02); s03 = TLanes.MultiplyAdd(x, b3, s03);
            x = TLanes.Broadcast(a1[k]);
            s10 = TLanes.MultiplyAdd(x, b0, s10); s11 = TLanes.MultiplyAdd(x, b1, s11); s12 = TLanes.MultiplyAdd(x, b2, s12); s13 = TLanes.MultiplyAdd(x, b3, s13);
            x = TLanes.Broadcast(a2[k]);
            s20 = TLanes.MultiplyAdd(x, b0, s20); s21 = TLanes.MultiplyAdd(x, b1, s21); s22 = TLanes.MultiplyAdd(x, b2, s22); s23 = TLanes.MultiplyAdd(x, b3, s23);
            x = TLanes.Broadcast(a3[k]);
            s30 = TLanes.MultiplyAdd(x, b0, s30); s31 = TLanes.MultiplyAdd(x, b1, s31); s32 = TLanes.MultiplyAdd(x, b2, s32); s33 = TLanes.MultiplyAdd(x, b3, s33);
        }
        block[0] = s00; block[1] = s01; block[2] = s02; block[3] = s03;
        block[4] = s10; block[5] = s11; block[6] = s12; block[7] = s13;
        block[8] = s20; block[9] = s21; block[10] = s22; block[11] = s23;
        block[12] = s30; block[13] = s31; block[14] = s32; block[15] = s33;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block6x2(float* a0, int aStride, float* bk, int bStride, int depth, TVector* block)
    {
        int v = TLanes.Count;
        float* a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride, a4 = a3 + aStride, a5 = a4 + aStride;
        TVector s00 = default, s01 = default, s10 = default, s11 = default, s20 = default, s21 = default;
        TVector s30 = default, s31 = default, s40 = default, s41 = default, s50 = default, s51 = default;
        for (int k = 0; k < depth; k++, bk += bStride)
        {
            var b0 = TLanes.Load(bk); var b1 = TLanes.Load(bk + v);
            var x = TLanes.Broadcast(a0[k]); s00 = TLanes.MultiplyAdd(x, b0, s00); s01 = TLanes.MultiplyAdd(x, b1, s01);
            x = TLanes.Broadcast(a1[k]); s10 = TLanes.MultiplyAdd(x, b0, s10); s11 = TLanes.MultiplyAdd(x, b1, s11);
            x = TLanes.Broadcast(a2[k]); s20 = TLanes.MultiplyAdd(x, b0, s20); s21 = TLanes.MultiplyAdd(x, b1, s21);
            x = TLanes.Broadcast(a3[k]); s30 = TLanes.MultiplyAdd(x, b0, s30); s31 = TLanes.MultiplyAdd(x, b1, s31);
            x = TLanes.Broadcast(a4[k]); s40 = TLanes.MultiplyAdd(x, b0, s40); s41 = TLanes.MultiplyAdd(x, b1, s41);
            x = TLanes.Broadcast(a5[k]); s50 = TLanes.MultiplyAdd(x, b0, s50); s51 = TLanes.MultiplyAdd(x, b1, s51);
        }
        block[0] = s00; block[1] = s01; block[2] = s10; block[3] = s11; block[4] = s20; block[5] = s21;
        block[6] = s30; block[7] = s31; block[8] = s40; block[9] = s41; block[10] = s50; block[11] = s51;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block4x1(float* a0, float* a1, float* a2, float* a3, float* bk, int bStride, int depth, TVector* block)
    {
        TVector s0 = default, s1 = default, s2 = default, s3 = default;
        for (int k = 0; k < depth; k++, bk += bStride)
        {
            var b0 = TLanes.Load(bk);
            s0 = TLanes.MultiplyAdd(TLanes.Broadcast(a0[k]), b0, s0);
            s1 = TLanes.MultiplyAdd(TLanes.Broadcast(a1[k]), b0, s1);
            s2 = TLanes.MultiplyAdd(TLanes.Broadcast(a2[k]), b0, s2);
            s3 = TLanes.MultiplyAdd(TLanes.Broadcast(a3[k]), b0, s3);
        }
        block[0] = s0; block[1] = s1; block[2] = s2; block[3] = s3;
    }

    /// <summary>The widest output layer <see cref="NarrowOutputs"/> computes.</summary>
    public const int NarrowWidth = 4;

    /// <summary>
    /// An output layer of at most <see cref="NarrowWidth"/> units as dot products along the inputs (a padded 16-wide
    /// product would spend 16 broadcasts per input on a column or three): c[r, j] = Σ_k x[r, k]·w[j, k] + bias[j], the
    /// padding columns of c set to zero. <paramref name="depth"/> is a multiple of the register width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NarrowOutputs(float* x, int xStride, float* w, int wStride, int depth, float* bias, int outputs, float* c, int cStride, int rows)
    {
        int v = TLanes.Count;
        for (int r = 0; r < rows; r++)
        {
            float* xr = x + (long)r * xStride, cr = c + (long)r * cStride;
            new Span<float>(cr, cStride).Clear();
            for (int j = 0; j < outputs; j++)
            {
                float* wj = w + (long)j * wStride;
                TVector s = default;
                for (int k = 0; k < depth; k += v)
                    s = TLanes.MultiplyAdd(TLanes.Load(xr + k), TLanes.Load(wj + k), s);
                cr[j] = TLanes.Sum(s) + bias[j];
            }
        }
    }

    /// <summary>
    /// Weight and bias gradients of one layer over a tile: w[o, i] += Σ_r g[r, o]·x[r, i] and bias[o] += Σ_r g[r, o],
    /// with <paramref name="outputs"/> a multiple of 4 and <paramref name="inputs"/> of <see cref="FusedNetwork.Pad"/>
    /// (bias: the register-width blocks that hold the outputs). A block of w (4 outputs x 4 registers with 32
    /// registers, 6 x 2 with 16) stays in registers for the whole tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateWeights(float* g, int gStride, float* x, int xStride, int rows, int outputs, int inputs, float* w, float* bias)
    {
        if (TLanes.Registers >= 32) AccumulateWeights4x4(g, gStride, x, xStride, rows, outputs, inputs, w);
        else
        {
            int v = TLanes.Count, o = 0;
            for (; o + 6 <= outputs; o += 6)
                for (int i = 0; i < inputs; i += 2 * v)
                    Weights6x2(g + o, gStride, x + i, xStride, rows, w + (long)o * inputs + i, inputs);
            // The rest (2 or 4 outputs, since outputs is a multiple of 4) two at a time: at most 4 of a layer's rows.
            for (; o < outputs; o += 2)
                for (int i = 0; i < inputs; i += 2 * v)
                    Weights2x2(g + o, gStride, x + i, xStride, rows, w + (long)o * inputs + i, inputs);
        }
        AccumulateBias(g, gStride, rows, outputs, bias);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Weights6x2(float* gr, int gStride, float* xr, int xStride, int rows, float* w0, int wStride)
    {
        int v = TLanes.Count;
        float* w1 = w0 + wStride, w2 = w1 + wStride, w3 = w2 + wStride, w4 = w3 + wStride, w5 = w4 + wStride;
        TVector s00 = TLanes.Load(w0), s01 = TLanes.Load(w0 + v), s10 = TLanes.Load(w1), s11 = TLanes.Load(w1 + v);
        TVector s20 = TLanes.Load(w2), s21 = TLanes.Load(w2 + v), s30 = TLanes.Load(w3), s31 = TLanes.Load(w3 + v);
        TVector s40 = TLanes.Load(w4), s41 = TLanes.Load(w4 + v), s50 = TLanes.Load(w5), s51 = TLanes.Load(w5 + v);
        for (int r = 0; r < rows; r++, xr += xStride, gr += gStride)
        {
            var x0 = TLanes.Load(xr); var x1 = TLanes.Load(xr + v);
            var q = TLanes.Broadcast(gr[0]); s00 = TLanes.MultiplyAdd(q, x0, s00); s01 = TLanes.MultiplyAdd(q, x1, s01);
            q = TLanes.Broadcast(gr[1]); s10 = TLanes.MultiplyAdd(q, x0, s10); s11 = TLanes.MultiplyAdd(q, x1, s11);
            q = TLanes.Broadcast(gr[2]); s20 = TLanes.MultiplyAdd(q, x0, s20); s21 = TLanes.MultiplyAdd(q, x1, s21);
            q = TLanes.Broadcast(gr[3]); s30 = TLanes.MultiplyAdd(q, x0, s30); s31 = TLanes.MultiplyAdd(q, x1, s31);
            q = TLanes.Broadcast(gr[4]); s40 = TLanes.MultiplyAdd(q, x0, s40); s41 = TLanes.MultiplyAdd(q, x1, s41);
            q = TLanes.Broadcast(gr[5]); s50 = TLanes.MultiplyAdd(q, x0, s50); s51 = TLanes.MultiplyAdd(q, x1, s51);
        }
        TLanes.Store(s00, w0); TLanes.Store(s01, w0 + v); TLanes.Store(s10, w1); TLanes.Store(s11, w1 + v);
        TLanes.Store(s20, w2); TLanes.Store(s21, w2 + v); TLanes.Store(s30, w3); TLanes.Store(s31, w3 + v);
        TLanes.Store(s40, w4); TLanes.Store(s41, w4 + v); TLanes.Store(s50, w5); TLanes.Store(s51, w5 + v);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Weights2x2(float* gr, int gStride, float* xr, int xStride, int rows, float* w0, int wStride)
    {
        int v = TLanes.Count;
        float* w1 = w0 + wStride;
        TVector s00 = TLanes.Load(w0), s01 = TLanes.Load(w0 + v), s10 = TLanes.Load(w1), s11 = TLanes.Load(w1 + v);
        for (int r = 0; r < rows; r++, xr += xStride, gr += gStride)
        {
            var x0 = TLanes.Load(xr); var x1 = TLanes.Load(xr + v);
            var q = TLanes.Broadcast(gr[0]); s00 = TLanes.MultiplyAdd(q, x0, s00); s01 = TLanes.MultiplyAdd(q, x1, s01);
            q = TLanes.Broadcast(gr[1]); s10 = TLanes.MultiplyAdd(q, x0, s10); s11 = TLanes.MultiplyAdd(q, x1, s11);
        }
        TLanes.Store(s00, w0); TLanes.Store(s01, w0 + v); TLanes.Store(s10, w1); TLanes.Store(s11, w1 + v);
    }

    private static void AccumulateWeights4x4(float* g, int gStride, float* x, int xStride, int rows, int outputs, int inputs, float* w)
    {
        int v = TLanes.Count;
        for (int o = 0; o < outputs; o += 4)
        {
            float* w0 = w + (long)o * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
            int i = 0;
            for (; i + 4 * v <= inputs; i += 4 * v)
            {
                TVector s00 = TLanes.Load(w0 + i), s01 = TLanes.Load(w0 + i + v), s02 = TLanes.Load(w0 + i + 2 * v), s03 = TLanes.Load(w0 + i + 3 * v);
                TVector s10 = TLanes.Load(w1 + i), s11 = TLanes.Load(w1 + i + v), s12 = TLanes.Load(w1 + i + 2 * v), s13 = TLanes.Load(w1 + i + 3 * v);
                TVector s20 = TLanes.Load(w2 + i), s21 = TLanes.Load(w2 + i + v), s22 = TLanes.Load(w2 + i + 2 * v), s23 = TLanes.Load(w2 + i + 3 * v);
                TVector s30 = TLanes.Load(w3 + i), s31 = TLanes.Load(w3 + i + v), s32 = TLanes.Load(w3 + i + 2 * v), s33 = TLanes.Load(w3 + i + 3 * v);
                float* xr = x + i, gr = g + o;
                for (int r = 0; r < rows; r++, xr += xStride, gr += gStride)
                {
                    var x0 = TLanes.Load(xr); var x1 = TLanes.Load(xr + v); var x2 = TLanes.Load(xr + 2 * v); var x3 = TLanes.Load(xr + 3 * v);
                    var q = TLanes.Broadcast(gr[0]);
                    s00 = TLanes.MultiplyAdd(q, x0, s00); s01 = TLanes.MultiplyAdd(q, x1, s01); s02 = TLanes.MultiplyAdd(q, x2, s02); s03 = TLanes.MultiplyAdd(q, x3, s03);
                    q = TLanes.Broadcast(gr[1]);
                    s10 = TLanes.MultiplyAdd(q, x0, s10); s11 = TLanes.MultiplyAdd(q, x1, s11); s12 = TLanes.MultiplyAdd(q, x2, s12); s13 = TLanes.MultiplyAdd(q, x3, s13);
                    q = TLanes.Broadcast(gr[2]);
                    s20 = TLanes.MultiplyAdd(q, x0, s20); s21 = TLanes.MultiplyAdd(q, x1, s21); s22 = TLanes.MultiplyAdd(q, x2, s22); s23 = TLanes.MultiplyAdd(q, x3, s23);
                    q = TLanes.Broadcast(gr[3]);
                    s30 = TLanes.MultiplyAdd(q, x0, s30); s31 = TLanes.MultiplyAdd(q, x1, s31); s32 = TLanes.MultiplyAdd(q, x2, s32); s33 = TLanes.MultiplyAdd(q, x3, s33);
                }
                TLanes.Store(s00, w0 + i); TLanes.Store(s01, w0 + i + v); TLanes.Store(s02, w0 + i + 2 * v); TLanes.Store(s03, w0 + i + 3 * v);
                TLanes.Store(s10, w1 + i); TLanes.Store(s11, w1 + i + v); TLanes.Store(s12, w1 + i + 2 * v); TLanes.Store(s13, w1 + i + 3 * v);
                TLanes.Store(s20, w2 + i); TLanes.Store(s21, w2 + i + v); TLanes.Store(s22, w2 + i + 2 * v); TLanes.Store(s23, w2 + i + 3 * v);
                TLanes.Store(s30, w3 + i); TLanes.Store(s31, w3 + i + v); TLanes.Store(s32, w3 + i + 2 * v); TLanes.Store(s33, w3 + i + 3 * v);
            }
            for (; i < inputs; i += v)
            {
                TVector s0 = TLanes.Load(w0 + i), s1 = TLanes.Load(w1 + i), s2 = TLanes.Load(w2 + i), s3 = TLanes.Load(w3 + i);
                float* xr = x + i, gr = g + o;
                for (int r = 0; r < rows; r++, xr += xStride, gr += gStride)
                {
                    var x0 = TLanes.Load(xr);
                    s0 = TLanes.MultiplyAdd(TLanes.Broadcast(gr[0]), x0, s0);
                    s1 = TLanes.MultiplyAdd(TLanes.Broadcast(gr[1]), x0, s1);
                    s2 = TLanes.MultiplyAdd(TLanes.Broadcast(gr[2]), x0, s2);
                    s3 = TLanes.MultiplyAdd(TLanes.Broadcast(gr[3]), x0, s3);
                }
                TLanes.Store(s0, w0 + i); TLanes.Store(s1, w1 + i); TLanes.Store(s2, w2 + i); TLanes.Store(s3, w3 + i);
            }
        }
    }

    private static void AccumulateBias(float* g, int gStride, int rows, int outputs, float* bias)
    {
        int v = TLanes.Count;
        for (int o = 0; o < outputs; o += v)
        {
            var s = TLanes.Load(bias + o);
            float* gr = g + o;
            for (int r = 0; r < rows; r++, gr += gStride)
                s = TLanes.Add(s, TLanes.Load(gr));
            TLanes.Store(s, bias + o);
        }
    }
}
