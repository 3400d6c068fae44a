using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NeuralFields.Core.Training.Fused;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema.Components;
using NativeMemory = System.Runtime.InteropServices.NativeMemory;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// The entropy model's rate of a grid and its gradients in one C# pass, instead of TorchSharp's masked convolutions,
/// Laplace terms and their autograd (about 0.57 µs a latent on two cores): eight latents at a time through the ARM's
/// layers in <see cref="Vector256{T}"/> registers, each one's Laplace bits and their derivatives, and back. The value it
/// returns is the bits, and its gradient is the pass's own: value + Σ x·(∂bits/∂x) − Σ x·(∂bits/∂x) with the last sum
/// detached, over the grid and every ARM parameter. A fixed number of row chunks sum their gradients separately and
/// are added in chunk order, so a run gives the same file run after run. Images are 2-D windows; a clip is a window of
/// one row, a volume a window of its slices' rows, each with its own causal offsets.
/// </summary>
public static class ArmRate
{
    /// <summary>Chunks of rows, a fixed number: the order of the sums does not depend on the machine's cores.</summary>
    private const int Chunks = 16;

    /// <summary>
    /// Bits of the latents at rows [top, top + rows) and columns [left, left + columns) of <paramref name="window"/>
    /// [height, width] (the rest of the window is their context; outside it the context is zero), under the ARM of
    /// <paramref name="arm"/> with the parameters <paramref name="layers"/> (weight, bias per layer, in order).
    /// </summary>
    /// <param name="lanes">The register width to run in; Auto takes the widest the machine has (tests check the others).</param>
    public static Tensor Bits(Tensor window, ArmConfig arm, IReadOnlyList<(Tensor Weight, Tensor Bias)> layers, int top, int left, int rows, int columns,
        FusedLanes lanes = FusedLanes.Auto) =>
        Bits(window, arm, layers, PlaneOffsets, (int)window.shape[0], top, left, rows, columns, lanes);

    /// <summary>Bits of the latents [first, first + count) of the 1-D grid <paramref name="row"/> (the latents before are their context): one window row.</summary>
    public static Tensor RowBits(Tensor row, ArmConfig arm, IReadOnlyList<(Tensor Weight, Tensor Bias)> layers, int first, int count) =>
        Bits(row.unsqueeze(0), arm, layers, RowOffsets, 1, 0, first, 1, count);

    /// <summary>
    /// Bits of the slices [first, first + slices) of <paramref name="volume"/> [depth, height, width] (the slices
    /// before are their context): the same pass, the volume's rows taken slice after slice.
    /// </summary>
    public static Tensor VolumeBits(Tensor volume, ArmConfig arm, IReadOnlyList<(Tensor Weight, Tensor Bias)> layers, int first, int slices)
    {
        int h = (int)volume.shape[1], w = (int)volume.shape[2];
        return Bits(volume.reshape(-1, w), arm, layers, VolumeOffsets, h, first * h, 0, slices * h, w);
    }

    /// <summary><see cref="ArmConfig.OffsetsFor"/> of each rank as (dz, dy, dx): a clip's within its one row, an image's within its one slice.</summary>
    private static readonly (int Dz, int Dy, int Dx)[] RowOffsets = [.. ArmConfig.OffsetsFor(1).Select(o => (0, 0, o[0]))],
        PlaneOffsets = [.. ArmConfig.OffsetsFor(2).Select(o => (0, o[0], o[1]))],
        VolumeOffsets = [.. ArmConfig.OffsetsFor(3).Select(o => (o[0], o[1], o[2]))];

    /// <param name="plane">Rows of one slice of the window; a 2-D window is one slice.</param>
    private static Tensor Bits(Tensor window, ArmConfig arm, IReadOnlyList<(Tensor Weight, Tensor Bias)> layers, (int Dz, int Dy, int Dx)[] offsets, int plane,
        int top, int left, int rows, int columns, FusedLanes lanes = FusedLanes.Auto)
    {
        bool gradients = is_grad_enabled() && (window.requires_grad || layers.Any(l => l.Weight.requires_grad));
        using var scope = NewDisposeScope();
        using var values = window.detach().contiguous();
        var weights = layers.Select(l => (l.Weight.detach().contiguous(), l.Bias.detach().contiguous())).ToList();
        using var network = new Network(arm, weights.Select(w => (ToArray(w.Item1), ToArray(w.Item2))).ToList(), offsets, plane);
        int height = (int)window.shape[0], width = (int)window.shape[1];
        // Every element of these is written by the pass (the gather covers the window, the reductions every weight).
        var gridGradient = gradients ? empty(height, width) : null;
        var layerGradients = gradients ? layers.Select(l => (empty_like(l.Weight), empty_like(l.Bias))).ToList() : null;
        double bits;
        unsafe
        {
            float* grid = TensorPointer.Float(values), gradient = gridGradient is null ? null : TensorPointer.Float(gridGradient);
            var parameterGradients = layerGradients?.Select(g => (TensorPointer.Address(g.Item1), TensorPointer.Address(g.Item2))).ToList();
            bits = FusedNetwork.Resolve(lanes) switch
            {
                FusedLanes.Vector512 => network.Run<Lanes512, Vector512<float>>(grid, height, width, top, left, rows, columns, gradient, parameterGradients),
                FusedLanes.Vector256 => network.Run<Lanes256, Vector256<float>>(grid, height, width, top, left, rows, columns, gradient, parameterGradients),
                _ => network.Run<LanesScalar, float>(grid, height, width, top, left, rows, columns, gradient, parameterGradients),
            };
        }
        var result = tensor((float)bits);
        if (gradients)
        {
            // value bits, gradient the pass's: the linear terms cancel in value and carry the gradients.
            var linear = (window * gridGradient!).sum();
            for (int l = 0; l < layers.Count; l++)
                linear = linear + (layers[l].Weight * layerGradients![l].Item1).sum() + (layers[l].Bias * layerGradients[l].Item2).sum();
            result = result + (linear - linear.detach());
        }
        return result.MoveToOuterDisposeScope();
    }

    private static float[] ToArray(Tensor t) => t.data<float>().ToArray();

    /// <summary>The ARM's layers broadcast into vectors (every value in every lane), and the pass over a window.</summary>
    private sealed unsafe class Network : IDisposable
    {
        private readonly int _context, _width, _hidden;
        private readonly (int Dz, int Dy, int Dx)[] _offsets;
        private readonly int _plane;                      // window rows per slice: an offset's rows stay inside its slice
        private readonly int[] _inputs, _outputs, _weightAt, _biasAt;
        private readonly int _parameters;                 // weights and biases of every layer: one accumulator each
        private readonly float* _values;                  // per layer W [out, in] and the bias, broadcast into lanes where used (a vector each would fill the L1 cache)

        public Network(ArmConfig arm, IReadOnlyList<(float[] Weight, float[] Bias)> layers, IReadOnlyList<(int Dz, int Dy, int Dx)> offsets, int plane)
        {
            _context = arm.Context;
            if (offsets.Count < _context || offsets.Take(_context).Any(o => o.CompareTo((0, 0, 0)) >= 0))
                throw new ArgumentException("the context needs one causal offset per input", nameof(offsets));
            _offsets = [.. offsets.Take(_context)];
            _plane = plane;
            _width = arm.Width;
            _hidden = arm.HiddenLayers;
            int count = _hidden + 1;
            _inputs = Enumerable.Range(0, count).Select(l => l == 0 ? _context : _width).ToArray();
            _outputs = Enumerable.Range(0, count).Select(l => l == _hidden ? ArmConfig.Outputs : _width).ToArray();
            (_weightAt, _biasAt) = (new int[count], new int[count]);
            int at = 0;
            for (int l = 0; l < count; l++)
            {
                if (layers[l].Weight.Length != _inputs[l] * _outputs[l] || layers[l].Bias.Length != _outputs[l])
                    throw new ArgumentException("the ARM's parameters do not match its config");
                _weightAt[l] = at;
                at += _inputs[l] * _outputs[l];
                _biasAt[l] = at;
                at += _outputs[l];
            }
            _parameters = at;
            _values = (float*)NativeMemory.AlignedAlloc((nuint)(at * sizeof(float)), 64);
            for (int l = 0; l < count; l++)
            {
                int n = _inputs[l], m = _outputs[l];
                for (int j = 0; j < m; j++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        _values[_weightAt[l] + j * n + i] = layers[l].Weight[j * n + i];
                    }
                    _values[_biasAt[l] + j] = layers[l].Bias[j];
                }
            }
        }

        public void Dispose() => NativeMemory.AlignedFree(_values);

        public double Run<TLanes, TVector>(float* grid, int height, int width, int top, int left, int rows, int columns, float* gridGradient, List<(nint Weight, nint Bias)>? layerGradients)
            where TLanes : ILanes<TVector>
            where TVector : unmanaged
        {
            int count = TLanes.Count;
            bool backward = gridGradient is not null;
            long owned = (long)rows * columns;
            // ∂bits/∂(own value) per owned latent, and ∂bits/∂(context k), gathered into the grid's gradient after;
            // the blocks write every owned latent's entries.
            float* own = backward ? (float*)NativeMemory.Alloc((nuint)Math.Max(1, owned), sizeof(float)) : null;
            float* context = backward ? (float*)NativeMemory.Alloc((nuint)Math.Max(1, owned * _context), sizeof(float)) : null;
            // Chunks of rows; a single row (a 1-D grid) is cut into chunks of blocks instead.
            int blocksPerRow = (columns + count - 1) / count;
            bool byBlocks = rows == 1;
            int chunks = Math.Max(1, Math.Min(Chunks, byBlocks ? blocksPerRow : rows));
            var bits = new double[chunks];
            // Per chunk one accumulator per weight and bias, in the layout of _values.
            var sums = backward ? (TVector*)NativeMemory.AlignedAlloc((nuint)((long)chunks * _parameters * sizeof(TVector)), 64) : null;
            try
            {
                if (sums is not null) new Span<byte>(sums, chunks * _parameters * sizeof(TVector)).Clear();
                Parallel.For(0, chunks, c =>
                {
                    int span = byBlocks ? blocksPerRow : rows;
                    int first = (int)((long)span * c / chunks), last = (int)((long)span * (c + 1) / chunks);
                    var accumulators = sums is null ? null : sums + (long)c * _parameters;
                    double total = 0;
                    var (firstRow, lastRow, firstX, lastX) = byBlocks ? (0, 1, first * count, Math.Min(columns, last * count)) : (first, last, 0, columns);
                    for (int r = firstRow; r < lastRow; r++)
                        for (int x = firstX; x < lastX; x += count)
                            total += Block<TLanes, TVector>(grid, width, top + r, left + x, Math.Min(count, columns - x),
                                own is null ? null : own + (long)r * columns + x, context is null ? null : context + ((long)r * columns + x) * _context, accumulators);
                    bits[c] = total;
                });
                if (backward)
                {
                    Gather(height, width, top, left, rows, columns, own, context, gridGradient);
                    for (int l = 0; l <= _hidden; l++)
                    {
                        Reduce<TLanes, TVector>(sums, chunks, _weightAt[l], _inputs[l] * _outputs[l], (float*)layerGradients![l].Weight);
                        Reduce<TLanes, TVector>(sums, chunks, _biasAt[l], _outputs[l], (float*)layerGradients[l].Bias);
                    }
                }
            }
            finally
            {
                NativeMemory.Free(own);
                NativeMemory.Free(context);
                NativeMemory.AlignedFree(sums);
            }
            double sum = 0;
            foreach (double b in bits) sum += b;
            return sum;
        }

        /// <summary>
        /// One register of latents of row <paramref name="y"/> from column <paramref name="x"/> (<paramref name="lanes"/> of
        /// them real): context, layers, Laplace bits; with accumulators, their gradients back to the context and the
        /// weights. Products keep four sums in registers at a time, four independent chains.
        /// </summary>
        private double Block<TLanes, TVector>(float* grid, int width, int y, int x, int lanes, float* own, float* contextGradient, TVector* sums)
            where TLanes : ILanes<TVector>
            where TVector : unmanaged
        {
            int count = TLanes.Count;
            // act holds every layer's input: the context, then each hidden layer's output after ReLU.
            var act = stackalloc TVector[_context + _width * _hidden + ArmConfig.Outputs];
            var lane = stackalloc float[count];
            int slice = y / _plane, sliceRow = y % _plane;
            for (int k = 0; k < _context; k++)
            {
                var (dz, dy, dx) = _offsets[k];
                int zz = slice + dz, yy = sliceRow + dy;
                bool inside = zz >= 0 && yy >= 0 && yy < _plane;
                long at = ((long)zz * _plane + yy) * width;
                if (lanes == count && inside && x + dx >= 0 && x + dx + count <= width)
                {
                    act[k] = TLanes.Load(grid + at + x + dx);            // adjacent latents, all inside: the same values
                    continue;
                }
                for (int i = 0; i < count; i++)
                {
                    int xx = x + i + dx;
                    lane[i] = i < lanes && inside && xx >= 0 && xx < width ? grid[at + xx] : 0f;
                }
                act[k] = TLanes.Load(lane);
            }
            int inputAt = 0;
            for (int l = 0; l <= _hidden; l++)
            {
                int n = _inputs[l], m = _outputs[l];
                var input = act + inputAt;
                var output = input + n;
                var weights = _values + _weightAt[l];
                var bias = _values + _biasAt[l];
                int j = 0;
                // Four outputs at a time, their sums in registers: four independent chains over the inputs.
                for (; j + 4 <= m; j += 4)
                {
                    TVector s0 = TLanes.Broadcast(bias[j]), s1 = TLanes.Broadcast(bias[j + 1]), s2 = TLanes.Broadcast(bias[j + 2]), s3 = TLanes.Broadcast(bias[j + 3]);
                    var w0 = weights + j * n;
                    var w1 = w0 + n;
                    var w2 = w1 + n;
                    var w3 = w2 + n;
                    for (int i = 0; i < n; i++)
                    {
                        var v = input[i];
                        s0 = TLanes.Add(s0, TLanes.Multiply(TLanes.Broadcast(w0[i]), v));
                        s1 = TLanes.Add(s1, TLanes.Multiply(TLanes.Broadcast(w1[i]), v));
                        s2 = TLanes.Add(s2, TLanes.Multiply(TLanes.Broadcast(w2[i]), v));
                        s3 = TLanes.Add(s3, TLanes.Multiply(TLanes.Broadcast(w3[i]), v));
                    }
                    (output[j], output[j + 1], output[j + 2], output[j + 3]) = (s0, s1, s2, s3);
                }
                for (; j < m; j++)
                {
                    var sum = TLanes.Broadcast(bias[j]);
                    var w = weights + j * n;
                    for (int i = 0; i < n; i++) sum = TLanes.Add(sum, TLanes.Multiply(TLanes.Broadcast(w[i]), input[i]));
                    output[j] = sum;
                }
                if (l < _hidden)
                {
                    for (int k = 0; k < m; k++) output[k] = TLanes.Relu(output[k]);
                    inputAt += n;
                }
            }
            var raw = act + inputAt + _inputs[_hidden];      // μ, then the raw log-scale

            for (int i = 0; i < count; i++) lane[i] = i < lanes ? grid[(long)y * width + x + i] : 0f;
            var (bits, dValue, dLogScale) = Laplace<TVector>(TLanes.Load(lane), raw[0], raw[1], lanes);
            if (own is not null)
            {
                TLanes.Store(dValue, lane);
                for (int i = 0; i < lanes; i++) own[i] = lane[i];
            }
            if (sums is null) return bits;

            // Backward, the output layer first; ReLU's derivative from the kept outputs.
            int widest = Math.Max(_width, _context);
            var gradient = stackalloc TVector[widest];
            var previous = stackalloc TVector[widest];
            gradient[0] = TLanes.Multiply(TLanes.Broadcast(-1f), dValue);   // bits depend on value − μ
            gradient[1] = dLogScale;
            for (int l = _hidden; l >= 0; l--)
            {
                int n = _inputs[l], m = _outputs[l];
                var input = act + inputAt;
                var weights = _values + _weightAt[l];
                var weightSum = sums + _weightAt[l];
                var biasSum = sums + _biasAt[l];
                for (int j = 0; j < m; j++)
                {
                    var g = gradient[j];
                    biasSum[j] = TLanes.Add(biasSum[j], g);
                    var sumRow = weightSum + j * n;
                    for (int i = 0; i < n; i++) sumRow[i] = TLanes.Add(sumRow[i], TLanes.Multiply(g, input[i]));
                }
                // The inputs' gradients four at a time, their sums in registers.
                int k = 0;
                for (; k + 4 <= n; k += 4)
                {
                    TVector p0 = default, p1 = default, p2 = default, p3 = default;
                    for (int j = 0; j < m; j++)
                    {
                        var g = gradient[j];
                        var row = weights + j * n + k;
                        p0 = TLanes.Add(p0, TLanes.Multiply(TLanes.Broadcast(row[0]), g));
                        p1 = TLanes.Add(p1, TLanes.Multiply(TLanes.Broadcast(row[1]), g));
                        p2 = TLanes.Add(p2, TLanes.Multiply(TLanes.Broadcast(row[2]), g));
                        p3 = TLanes.Add(p3, TLanes.Multiply(TLanes.Broadcast(row[3]), g));
                    }
                    (previous[k], previous[k + 1], previous[k + 2], previous[k + 3]) = (p0, p1, p2, p3);
                }
                for (; k < n; k++)
                {
                    TVector sum = default;
                    for (int j = 0; j < m; j++) sum = TLanes.Add(sum, TLanes.Multiply(TLanes.Broadcast(weights[j * n + k]), gradient[j]));
                    previous[k] = sum;
                }
                if (l == 0) break;
                for (int i = 0; i < n; i++) gradient[i] = TLanes.PassPositive(previous[i], input[i]);
                inputAt -= _inputs[l - 1];
            }
            for (int k = 0; k < _context; k++)
            {
                TLanes.Store(previous[k], lane);
                for (int i = 0; i < lanes; i++) contextGradient[(long)i * _context + k] = lane[i];
            }
            return bits;
        }

        /// <summary>
        /// The window's gradient: each latent's own term plus, for every context offset, the term of the owned latent
        /// it is the context of, summed in offset order (no races, the same bits every run).
        /// </summary>
        private void Gather(int height, int width, int top, int left, int rows, int columns, float* own, float* context, float* gradient)
        {
            int contextCount = _context;
            // Where every offset's latent is owned, the same sum without the checks: its columns, and per k its index step.
            int firstInner = 0, endInner = columns;
            var steps = new long[contextCount];
            for (int k = 0; k < contextCount; k++)
            {
                var (dz, dy, dx) = _offsets[k];
                (firstInner, endInner) = (Math.Max(firstInner, dx), Math.Min(endInner, columns + dx));
                steps[k] = -(((long)dz * _plane + dy) * columns + dx) * contextCount + k;
            }
            Parallel.For(0, height, y =>
            {
                int r0 = y - top, row0 = y % _plane;
                bool innerRow = r0 >= 0 && r0 < rows;
                for (int k = 0; k < contextCount && innerRow; k++)
                {
                    var (dz, dy, _) = _offsets[k];
                    int rr = r0 - dz * _plane - dy;
                    innerRow = row0 - dy >= 0 && row0 - dy < _plane && rr >= 0 && rr < rows;
                }
                for (int x = 0; x < width; x++)
                {
                    if (innerRow && x - left >= firstInner && x - left < endInner)
                    {
                        long at = (long)r0 * columns + (x - left);
                        float inner = own[at];
                        for (int k = 0; k < contextCount; k++) inner += context[at * contextCount + steps[k]];
                        gradient[(long)y * width + x] = inner;
                        continue;
                    }
                    float sum = 0;
                    int r = y - top, c = x - left, row = y % _plane;
                    if (r >= 0 && r < rows && c >= 0 && c < columns) sum = own[(long)r * columns + c];
                    for (int k = 0; k < contextCount; k++)
                    {
                        var (dz, dy, dx) = _offsets[k];
                        if (row - dy < 0 || row - dy >= _plane) continue;   // that latent's row would lie outside its slice
                        int rr = r - dz * _plane - dy, cc = c - dx;   // the owned latent whose context k this one is
                        if (rr >= 0 && rr < rows && cc >= 0 && cc < columns) sum += context[((long)rr * columns + cc) * contextCount + k];
                    }
                    gradient[(long)y * width + x] = sum;
                }
            });
        }

        /// <summary>Accumulators [at, at + count) of every chunk, lanes summed, chunks added in order.</summary>
        private void Reduce<TLanes, TVector>(TVector* sums, int chunks, int at, int count, float* into)
            where TLanes : ILanes<TVector>
            where TVector : unmanaged
        {
            for (int i = 0; i < count; i++)
            {
                double total = 0;
                for (int c = 0; c < chunks; c++) total += TLanes.Sum(sums[(long)c * _parameters + at + i]);
                into[i] = (float)total;
            }
        }
    }

    /// <summary>
    /// <see cref="Laplace"/> for a register of any width (two AVX2 halves of an AVX-512 one, one lane of a scalar): the
    /// bits of the first <paramref name="lanes"/> lanes summed, and their derivatives, zero in the lanes past them.
    /// </summary>
    private static (double Bits, TVector DValue, TVector DLogScale) Laplace<TVector>(TVector value, TVector mu, TVector rawLogScale, int lanes)
        where TVector : unmanaged
    {
        if (typeof(TVector) == typeof(Vector512<float>))
        {
            var (v, m, s) = (Unsafe.As<TVector, Vector512<float>>(ref value), Unsafe.As<TVector, Vector512<float>>(ref mu), Unsafe.As<TVector, Vector512<float>>(ref rawLogScale));
            var (lowBits, lowValue, lowScale) = Masked(v.GetLower(), m.GetLower(), s.GetLower(), Math.Min(lanes, 8));
            var (highBits, highValue, highScale) = Masked(v.GetUpper(), m.GetUpper(), s.GetUpper(), Math.Max(lanes - 8, 0));
            var (dValue, dScale) = (Vector512.Create(lowValue, highValue), Vector512.Create(lowScale, highScale));
            return (lowBits + highBits, Unsafe.As<Vector512<float>, TVector>(ref dValue), Unsafe.As<Vector512<float>, TVector>(ref dScale));
        }
        if (typeof(TVector) == typeof(Vector256<float>))
        {
            var (bits, dValue, dScale) = Masked(Unsafe.As<TVector, Vector256<float>>(ref value), Unsafe.As<TVector, Vector256<float>>(ref mu),
                Unsafe.As<TVector, Vector256<float>>(ref rawLogScale), lanes);
            return (bits, Unsafe.As<Vector256<float>, TVector>(ref dValue), Unsafe.As<Vector256<float>, TVector>(ref dScale));
        }
        {
            var (bits, dValue, dScale) = Masked(Vector256.Create(Unsafe.As<TVector, float>(ref value)), Vector256.Create(Unsafe.As<TVector, float>(ref mu)),
                Vector256.Create(Unsafe.As<TVector, float>(ref rawLogScale)), 1);
            float v = dValue.ToScalar(), s = dScale.ToScalar();
            return (bits, Unsafe.As<float, TVector>(ref v), Unsafe.As<float, TVector>(ref s));
        }
    }

    /// <summary>Eight lanes' <see cref="Laplace"/>, the lanes from <paramref name="lanes"/> on set to zero.</summary>
    private static (double Bits, Vector256<float> DValue, Vector256<float> DLogScale) Masked(Vector256<float> value, Vector256<float> mu, Vector256<float> rawLogScale, int lanes)
    {
        var real = Vector256.LessThan(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((float)lanes));
        var (bits, dValue, dLogScale) = Laplace(value, mu, rawLogScale);
        return (Vector256.Sum(Vector256.ConditionalSelect(real, bits, Vector256<float>.Zero)),
            Vector256.ConditionalSelect(real, dValue, Vector256<float>.Zero), Vector256.ConditionalSelect(real, dLogScale, Vector256<float>.Zero));
    }

    /// <summary>
    /// −log2 of each lane's value's probability under a Laplace(μ, e^s) discretised to unit bins (the log-scale clamped
    /// to the decoder's range; probabilities below 1e-9 held there), and its derivatives in the value and the raw
    /// log-scale. F(t) is ½e^{t/b} below zero and 1 − ½e^{−t/b} above: the difference is taken on the side that keeps
    /// its precision in float.
    /// </summary>
    private static (Vector256<float> Bits, Vector256<float> DValue, Vector256<float> DLogScale) Laplace(Vector256<float> value, Vector256<float> mu, Vector256<float> rawLogScale)
    {
        var min = Vector256.Create((float)ArmConfig.LogScaleMin);
        var max = Vector256.Create((float)ArmConfig.LogScaleMax);
        var inRange = Vector256.GreaterThanOrEqual(rawLogScale, min) & Vector256.LessThanOrEqual(rawLogScale, max);
        var inverse = Vector256.Exp(-Vector256.Min(Vector256.Max(rawLogScale, min), max));     // 1 / b
        var half = Vector256.Create(0.5f);
        var a = value - mu;
        var upper = a + half;
        var lower = a - half;
        var eUpper = Vector256.Exp(-Vector256.Abs(upper) * inverse);
        var eLower = Vector256.Exp(-Vector256.Abs(lower) * inverse);
        var p = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(lower, Vector256<float>.Zero), half * (eLower - eUpper),
            Vector256.ConditionalSelect(Vector256.LessThanOrEqual(upper, Vector256<float>.Zero), half * (eUpper - eLower),
                Vector256<float>.One - half * eUpper - half * eLower));
        var likely = Vector256.GreaterThan(p, Vector256.Create(MinProbability));
        var bits = Vector256.ConditionalSelect(likely, -Vector256.Log2(p), Vector256.Create(-MathF.Log2(MinProbability)));
        var dBits = Vector256.Create(-1 / MathF.Log(2)) / p;
        var fUpper = eUpper * half * inverse;
        var fLower = eLower * half * inverse;
        var dValue = Vector256.ConditionalSelect(likely, dBits * (fUpper - fLower), Vector256<float>.Zero);
        var dLogScale = Vector256.ConditionalSelect(likely & inRange, -dBits * (upper * fUpper - lower * fLower), Vector256<float>.Zero);
        return (bits, dValue, dLogScale);
    }

    private const float MinProbability = 1e-9f;
}
