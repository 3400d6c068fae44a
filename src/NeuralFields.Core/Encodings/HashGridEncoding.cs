using NeuralFields.Core.Encodings.HashGrid;
using NeuralFields.Schema.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// Multiresolution hash encoding with trainable tables [entries, F] (one flat parameter for all
/// levels; see <see cref="HashGridLayout"/>). Output [N, levels·F], level-major.
/// </summary>
[Computes(typeof(HashGridConfig))]
public sealed class HashGridEncoding : Encoding
{
    private readonly HashGridConfig _config;
    private readonly Parameter table;

    public HashGridEncoding(HashGridConfig config, int inputDims) : base("hashgrid", inputDims)
    {
        _config = config;
        Layout = new HashGridLayout(config, inputDims);
        using (no_grad())
            table = new Parameter(empty(Layout.TotalEntries, Layout.Features).uniform_(-config.InitScale, config.InitScale));
        RegisterComponents();
    }

    public HashGridLayout Layout { get; }

    public override int OutputDims => Layout.OutputDims;

    public override EncodingConfig Config => _config;

    public override double? LearningRate => _config.LearningRate;

    protected override Tensor Encode(Tensor coordinates) =>
        _config.Implementation == "native" ? HashGridFunction.Apply(Layout, coordinates, table) : TorchReference(coordinates);

    /// <summary>The same encoding with TorchSharp ops (index + weighted sum; autograd gives index_add).</summary>
    private Tensor TorchReference(Tensor coordinates)
    {
        using var scope = NewDisposeScope();
        long n = coordinates.shape[0];
        int levels = Layout.Levels, corners = Layout.Corners;
        var coords = coordinates.detach().contiguous().data<float>().ToArray();
        var indices = new long[n * levels * corners];
        var weights = new float[n * levels * corners];
        Span<int> index = stackalloc int[8];
        Span<float> weight = stackalloc float[8];
        for (long s = 0; s < n; s++)
            for (int l = 0; l < levels; l++)
            {
                Layout.Corners1(coords.AsSpan((int)(s * InputDims), InputDims), l, index, weight);
                for (int c = 0; c < corners; c++)
                {
                    long at = (s * levels + l) * corners + c;
                    indices[at] = index[c];
                    weights[at] = weight[c];
                }
            }
        var gathered = table.index_select(0, tensor(indices)).reshape(n, levels, corners, Layout.Features);
        var result = (gathered * tensor(weights).reshape(n, levels, corners, 1)).sum(2).reshape(n, Layout.OutputDims);
        return result.MoveToOuterDisposeScope();
    }
}
