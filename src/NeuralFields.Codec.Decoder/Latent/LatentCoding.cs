using System.Runtime.CompilerServices;
using NeuralFields.Codec.Decoder.Entropy;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Decoder.Latent;

/// <summary>
/// The latent stream (docs/format.md §9.4): every level in order, each in raster order, each latent coded with
/// the Laplace table its fixed-point ARM prediction selects. Encoding and decoding share
/// <see cref="Visit"/>, so both compute the same contexts and probabilities from the same already-coded values.
/// </summary>
public static class LatentCoding
{
    /// <summary>Escaped offsets have at most this many bits after their leading one (latents are below 2^15).</summary>
    private const int MaxEscapeBits = 20;

    public static byte[] Encode(LatentGridConfig config, FixedPointArm arm, IReadOnlyList<int[]> levels)
    {
        var encoder = new RangeEncoder();
        for (int l = 0; l < config.Levels; l++)
        {
            var values = levels[l];
            Visit(config.LevelShape(l), values, arm, (index, cumulative, floor, radius) => EncodeOne(encoder, values[index] - floor, cumulative, radius));
        }
        return encoder.Finish();
    }

    /// <summary>Fills each level's integers; a value beyond <c>MaxLevel</c> or a malformed symbol is damage.</summary>
    public static void Decode(RangeDecoder decoder, LatentGridConfig config, FixedPointArm arm, IReadOnlyList<(int MaxLevel, int[] Values)> levels)
    {
        for (int l = 0; l < config.Levels; l++)
        {
            var (maxLevel, values) = levels[l];
            Visit(config.LevelShape(l), values, arm, (index, cumulative, floor, radius) =>
            {
                long value = (long)floor + DecodeOne(decoder, cumulative, radius);
                if (value > maxLevel || value < -maxLevel)
                    throw new NeuralFileException("the latent stream is damaged (a latent beyond its bit width)");
                values[index] = (int)value;
            });
        }
    }

    private delegate void Coder(int index, int[] cumulative, int floor, int radius);

    /// <summary>
    /// For every latent of a 1-, 2- or 3-D grid in raster order: its context (the <see cref="ArmConfig.OffsetsFor"/>
    /// neighbours, all already coded, 0 outside the grid), the ARM's prediction and its table; then
    /// <paramref name="code"/> codes it. A context of zeros, common at low rates, is predicted once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Visit(int[] shape, int[] values, FixedPointArm arm, Coder code)
    {
        int axes = shape.Length, count = arm.Config.Context;
        var offsets = ArmConfig.OffsetsFor(axes);
        // Each offset as one step in the flat array, and per axis; the position is tracked slowest axis first.
        Span<int> flat = stackalloc int[count];
        Span<int> steps = stackalloc int[count * axes];
        for (int k = 0; k < count; k++)
            for (int a = 0, stride = 1; a < axes; a++)
            {
                int axis = axes - 1 - a;
                steps[k * axes + axis] = offsets[k][axis];
                flat[k] += offsets[k][axis] * stride;
                stride *= shape[axis];
            }
        // Per axis, the offsets' smallest and largest step: a position whose every axis lies in [−least, size − most)
        // has all its neighbours inside the grid and reads them without checks.
        Span<int> least = stackalloc int[axes], most = stackalloc int[axes];
        for (int k = 0; k < count; k++)
            for (int a = 0; a < axes; a++)
            {
                least[a] = Math.Min(least[a], steps[k * axes + a]);
                most[a] = Math.Max(most[a], steps[k * axes + a]);
            }
        Span<int> position = stackalloc int[axes];
        Span<int> context = stackalloc int[count];
        (long Mu, long LogScale)? zero = null;
        for (int i = 0; i < values.Length; i++)
        {
            bool interior = true;
            for (int a = 0; a < axes; a++)
                interior &= position[a] + least[a] >= 0 && position[a] + most[a] < shape[a];
            bool allZero = true;
            for (int k = 0; k < count; k++)
            {
                bool inside = interior || Inside(position, steps.Slice(k * axes, axes), shape);
                int v = inside ? values[i + flat[k]] : 0;
                context[k] = v;
                allZero &= v == 0;
            }
            var (mu, logScale) = allZero ? zero ??= arm.Predict(context) : arm.Predict(context);
            var (floor, phase, scaleIndex) = FixedPointArm.Table(mu, logScale);
            code(i, LaplaceTables.Cumulative(scaleIndex, phase), floor, LaplaceTables.Radius(scaleIndex));
            for (int a = axes - 1; a >= 0 && ++position[a] == shape[a]; a--) position[a] = 0;
        }
    }

    /// <summary>Whether position + step lies inside the grid on every axis.</summary>
    private static bool Inside(ReadOnlySpan<int> position, ReadOnlySpan<int> step, int[] shape)
    {
        for (int a = 0; a < position.Length; a++)
        {
            int p = position[a] + step[a];
            if (p < 0 || p >= shape[a]) return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EncodeOne(RangeEncoder encoder, long offset, int[] cumulative, int radius)
    {
        int symbol = Math.Abs(offset) <= radius ? (int)offset + radius : 2 * radius + 1;
        encoder.EncodeFrequency((uint)cumulative[symbol], (uint)(cumulative[symbol + 1] - cumulative[symbol]));
        if (symbol <= 2 * radius) return;
        // Escape: the sign, then |offset| − radius − 1 as an Elias-gamma code of equiprobable bits.
        encoder.EncodeEqual(offset < 0 ? 1 : 0);
        ulong m = (ulong)(Math.Abs(offset) - radius);
        int n = 63 - System.Numerics.BitOperations.LeadingZeroCount(m);
        if (n > MaxEscapeBits) throw new ArgumentOutOfRangeException(nameof(offset), "a latent too far from its prediction to code");
        for (int j = 0; j < n; j++) encoder.EncodeEqual(1);
        encoder.EncodeEqual(0);
        for (int j = n - 1; j >= 0; j--) encoder.EncodeEqual((int)(m >> j) & 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long DecodeOne(RangeDecoder decoder, int[] cumulative, int radius)
    {
        int symbol = decoder.DecodeFrequency(cumulative);
        if (symbol <= 2 * radius) return symbol - radius;
        bool negative = decoder.DecodeEqual() == 1;
        int n = 0;
        while (decoder.DecodeEqual() == 1)
            if (++n > MaxEscapeBits) throw new NeuralFileException("the latent stream is damaged (an escape code runs too long)");
        long m = 1;
        for (int j = 0; j < n; j++) m = (m << 1) | (long)decoder.DecodeEqual();
        long magnitude = m + radius;
        return negative ? -magnitude : magnitude;
    }
}
