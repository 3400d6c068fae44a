using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NeuralFields.Codec.Decoder.Inference;

/// <summary>
/// One fully connected layer in exact 64-bit integer arithmetic, as both integer networks of the format compute it
/// (the latent ARM, docs/format.md §9.2, and the lossless planes' predictors, §10.4):
/// out_o = clamp((term_o + Σ w·x) >> shift, −limit, limit), then ReLU for a hidden layer. The weights are stored
/// input-major [inputs, padded outputs], zero past the outputs, so a layer runs as vector accumulators that each
/// collect four outputs' sums, with no sum across lanes. Integer addition is associative, even where a damaged
/// file's weights make it wrap, so the vector and scalar paths give the same integers on every machine.
/// </summary>
internal sealed class IntegerLayer
{
    public const int Lanes = 4;

    private readonly long[] _columns, _terms;
    private readonly int _shift;
    private readonly long _limit;
    private readonly bool _relu;

    /// <param name="weights">[outputs, inputs] row-major.</param>
    /// <param name="terms">Each output's bias already on the sums' scale.</param>
    public IntegerLayer(int[] weights, long[] terms, int inputs, int shift, long limit, bool relu)
    {
        int outputs = terms.Length;
        Padded = (outputs + Lanes - 1) / Lanes * Lanes;
        _columns = new long[inputs * Padded];
        _terms = new long[Padded];
        for (int o = 0; o < outputs; o++)
        {
            _terms[o] = terms[o];
            for (int i = 0; i < inputs; i++) _columns[i * Padded + o] = weights[o * inputs + i];
        }
        (_shift, _limit, _relu) = (shift, limit, relu);
    }

    /// <summary>Outputs rounded up to whole vectors: the length <see cref="Run"/> writes.</summary>
    public int Padded { get; }

    /// <summary>The layer on the inputs <paramref name="a"/> then <paramref name="b"/>, into output[0, Padded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(ReadOnlySpan<long> a, ReadOnlySpan<long> b, long[] output, bool vectorised)
    {
        int padded = Padded;
        if (vectorised)
        {
            // Clamping to [0, limit] equals clamping to ±limit then the ReLU.
            var low = Vector256.Create(_relu ? 0 : -_limit);
            var high = Vector256.Create(_limit);
            ref long w = ref MemoryMarshal.GetArrayDataReference(_columns);
            for (int o = 0; o < padded; o += Lanes)
            {
                var sum = Vector256.LoadUnsafe(ref _terms[o]);
                int row = 0;
                for (int i = 0; i < a.Length; i++, row++) sum += Vector256.LoadUnsafe(ref w, (nuint)(row * padded + o)) * Vector256.Create(a[i]);
                for (int i = 0; i < b.Length; i++, row++) sum += Vector256.LoadUnsafe(ref w, (nuint)(row * padded + o)) * Vector256.Create(b[i]);
                Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(sum, _shift), low), high).CopyTo(output.AsSpan(o));
            }
            return;
        }
        for (int o = 0; o < padded; o++)
        {
            long sum = _terms[o];
            int row = 0;
            for (int i = 0; i < a.Length; i++, row++) sum += _columns[row * padded + o] * a[i];
            for (int i = 0; i < b.Length; i++, row++) sum += _columns[row * padded + o] * b[i];
            long z = Math.Clamp(sum >> _shift, -_limit, _limit);
            output[o] = _relu && z < 0 ? 0 : z;
        }
    }
}
