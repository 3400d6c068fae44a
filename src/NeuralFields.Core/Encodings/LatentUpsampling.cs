using NeuralFields.Schema;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// One 2-D latent level read at every sample of an image, and the transpose of that reading, in C# for the training
/// step: each sample's corners and weights are the decoder's (<see cref="LatentSampling"/>), so training sees the
/// features a file decodes to. TorchSharp's bilinear upsampling and its backward were about a third of a 768x512
/// step; its backward scatters over one thread. Here the transpose gathers: each latent row sums, in a fixed order, the
/// sample rows that read it, so rows run in parallel and give the same floats on any number of cores.
/// </summary>
internal sealed unsafe class LatentUpsampling
{
    private readonly int _rows, _columns, _height, _width;
    private readonly int[] _x0, _x1, _y0, _y1;
    private readonly float[] _fx, _fy;

    /// <param name="rows">The level's rows and <paramref name="columns"/>.</param>
    /// <param name="height">The image's rows and <paramref name="width"/>.</param>
    public LatentUpsampling(int rows, int columns, int height, int width)
    {
        (_rows, _columns, _height, _width) = (rows, columns, height, width);
        (_x0, _x1, _fx) = Axis(columns, width);
        (_y0, _y1, _fy) = Axis(rows, height);
    }

    private static (int[] Lower, int[] Upper, float[] Fraction) Axis(int cells, int samples)
    {
        var (lower, upper, fraction) = (new int[samples], new int[samples], new float[samples]);
        for (int i = 0; i < samples; i++)
            (lower[i], upper[i], fraction[i]) = LatentSampling.Corners(SampleGrid.Coordinate(i, samples), cells);
        return (lower, upper, fraction);
    }

    /// <summary>
    /// Every level at every sample: <paramref name="features"/>[(y·width + x)·levels + l] from the level grids
    /// [rows, columns] (row-major), the samples' rows in parallel.
    /// </summary>
    public static void Forward(IReadOnlyList<LatentUpsampling> levels, float*[] grids, float* features)
    {
        int count = levels.Count, height = levels[0]._height, width = levels[0]._width;
        Parallel.For(0, height, y =>
        {
            float* row = features + (long)y * width * count;
            for (int l = 0; l < count; l++)
                levels[l].ForwardRow(grids[l], y, row + l, count);
        });
    }

    private void ForwardRow(float* grid, int y, float* output, int stride)
    {
        float* top = grid + (long)_y0[y] * _columns, bottom = grid + (long)_y1[y] * _columns;
        float fy = _fy[y];
        for (int x = 0; x < _width; x++)
        {
            int x0 = _x0[x], x1 = _x1[x];
            output[(long)x * stride] = LatentSampling.Bilinear(top[x0], top[x1], bottom[x0], bottom[x1], _fx[x], fy);
        }
    }

    /// <summary>
    /// The gradient of Σ features·gradients with respect to this level's grid: <paramref name="gradient"/>[r, c] =
    /// Σ over the samples whose blend reads cell (r, c) of their gradient (column <paramref name="level"/> of
    /// <paramref name="featureGradients"/>, <paramref name="levels"/> per sample) times the blend's weight of that cell.
    /// </summary>
    public void Transpose(float* featureGradients, int level, int levels, float* gradient)
    {
        Parallel.For(0, _rows, r =>
        {
            float* sums = gradient + (long)r * _columns;
            new Span<float>(sums, _columns).Clear();
            // The sample rows that read latent row r lie where their lower row is r − 1 or r (y0 grows with y).
            int first = LowerBound(_y0, r - 1), end = LowerBound(_y0, r + 1);
            for (int y = first; y < end; y++)
            {
                float weight = (_y0[y] == r ? 1 - _fy[y] : 0) + (_y1[y] == r ? _fy[y] : 0);
                float* g = featureGradients + (long)y * _width * levels + level;
                for (int x = 0; x < _width; x++)
                {
                    float v = g[(long)x * levels] * weight, fx = _fx[x];
                    sums[_x0[x]] += v * (1 - fx);
                    sums[_x1[x]] += v * fx;
                }
            }
        });
    }

    /// <summary>The first index whose value is at least <paramref name="value"/> in the nondecreasing <paramref name="sorted"/>.</summary>
    private static int LowerBound(int[] sorted, int value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
