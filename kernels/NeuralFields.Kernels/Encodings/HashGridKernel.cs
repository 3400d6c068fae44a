using NeuralFields.Schema;
using ILGPU;
using NeuralFields.Schema.Components;

namespace NeuralFields.Kernels.Encodings;

/// <summary>
/// Multiresolution hash-grid lookup (forward only, tables given): for every level, the d-linear
/// interpolation of the 2^d vertices around x, level-major output [l·F + f]. Level constants come from
/// <see cref="EncodingData.Levels"/> and their index math from <see cref="HashGridLevel"/>, the struct
/// NeuralFields.Core's HashGridLayout uses; the table [entries, F] sits at <see cref="TableOffset"/>.
/// Corners are summed in the order of Core's C# kernels (x bit lowest), so the CPU results match exactly.
/// </summary>
public readonly struct HashGridKernel(int dims, int levels, int features, int levelsOffset, int tableOffset)
    : IEncodingKernel, IEquatable<HashGridKernel>
{
    public readonly int Dims = dims;
    public readonly int Levels = levels;
    public readonly int Features = features;
    public readonly int LevelsOffset = levelsOffset;
    public readonly int TableOffset = tableOffset;

    public int InputDims => Dims;

    public int OutputDims => Levels * Features;

    public void Encode(Point x, in EncodingData data, ArrayView<float> output, long at, long stride)
    {
        int corners = 1 << Dims;
        for (int l = 0; l < Levels; l++)
        {
            var level = data.Levels[LevelsOffset + l];
            float px = HashGridLevel.Position(x.X, level.Scale);
            float py = Dims > 1 ? HashGridLevel.Position(x.Y, level.Scale) : 0f;
            float pz = Dims > 2 ? HashGridLevel.Position(x.Z, level.Scale) : 0f;
            float cx = MathF.Floor(px), cy = MathF.Floor(py), cz = MathF.Floor(pz);
            float fx = px - cx, fy = py - cy, fz = pz - cz;
            long row = at + (long)l * Features * stride;
            for (int c = 0; c < corners; c++)
            {
                bool ux = (c & 1) != 0, uy = (c & 2) != 0, uz = (c & 4) != 0;
                float w = ux ? fx : 1f - fx;
                if (Dims > 1) w *= uy ? fy : 1f - fy;
                if (Dims > 2) w *= uz ? fz : 1f - fz;
                int entry = level.Index((uint)cx + (ux ? 1u : 0u), (uint)cy + (uy ? 1u : 0u), (uint)cz + (uz ? 1u : 0u));
                long source = TableOffset + (long)entry * Features;
                for (int f = 0; f < Features; f++)
                {
                    float value = w * data.Floats[source + f];
                    long target = row + f * stride;
                    output[target] = c == 0 ? value : output[target] + value;
                }
            }
        }
    }

    public bool Equals(HashGridKernel other) =>
        Dims == other.Dims && Levels == other.Levels && Features == other.Features
        && LevelsOffset == other.LevelsOffset && TableOffset == other.TableOffset;

    public override bool Equals(object? obj) => obj is HashGridKernel other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Dims, Levels, Features, LevelsOffset, TableOffset);
}

[Computes(typeof(HashGridConfig))]
public sealed class HashGridPlanner(HashGridConfig config) : EncodingPlanner
{
    public override EncodingPlan Plan(EncodingSpec spec, EncodingPlan.Builder builder)
    {
        var table = spec.Tensor(HashGridConfig.TableName);
        int levels = builder.Append(HashGridLevel.For(config, spec.InputDims));
        return EncodingPlan.Builder.Of(new HashGridKernel(spec.InputDims, config.NLevels, config.NFeaturesPerLevel, levels, builder.Append(table)));
    }
}
