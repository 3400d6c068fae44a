using NeuralFields.Schema.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>
/// The plainest TorchSharp hash grid, kept as the reference the fused step is measured against: corner indices and
/// weights from tensor ops, index_select of the table, a weighted sum per level, nn.Linear layers with ReLU, a
/// sigmoid, MSE and torch.optim.Adam. Same levels, hash and initialisation as the project's grid.
/// </summary>
internal sealed class PlainHashGrid : nn.Module<Tensor, Tensor>
{
    private readonly Parameter table;
    private readonly Sequential mlp;
    private readonly HashGridLevel[] _levels;

    public PlainHashGrid(HashGridConfig config, int hiddenLayers, int width, int outputs) : base("plain")
    {
        _levels = HashGridLevel.For(config, 2);
        int entries = _levels[^1].Offset + _levels[^1].Size;
        using (no_grad())
            table = new Parameter(empty(entries, config.NFeaturesPerLevel).uniform_(-config.InitScale, config.InitScale));
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int inputs = config.NLevels * config.NFeaturesPerLevel;
        for (int i = 0; i < hiddenLayers; i++)
        {
            layers.Add(nn.Linear(i == 0 ? inputs : width, width));
            layers.Add(nn.ReLU());
        }
        layers.Add(nn.Linear(width, outputs));
        mlp = nn.Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor coordinates)
    {
        using var scope = NewDisposeScope();
        long n = coordinates.shape[0];
        var u = coordinates.add(1).mul_(0.5).clamp_(0, 1);
        var indices = new List<Tensor>();
        var weights = new List<Tensor>();
        foreach (var level in _levels)
        {
            var position = u * level.Scale + 0.5;
            var cell = position.floor();
            var fraction = position - cell;
            var corner = cell.to(ScalarType.Int64);
            Tensor gx = corner[.., 0], gy = corner[.., 1], fx = fraction[.., 0], fy = fraction[.., 1];
            for (int c = 0; c < 4; c++)
            {
                int dx = c & 1, dy = c >> 1;
                var ix = gx + dx;
                var iy = gy + dy;
                var local = level.Dense
                    ? ix + iy * level.Resolution
                    : ix.bitwise_xor(iy * (long)HashGridLevel.Prime1).bitwise_and(level.Size - 1);
                indices.Add(local + level.Offset);
                weights.Add((dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy));
            }
        }
        // One gather of every corner of every level, then the weighted sum per level.
        int levels = _levels.Length;
        var index = stack(indices, 1).reshape(-1);
        var weight = stack(weights, 1).reshape(n, levels, 4, 1);
        var corners = table.index_select(0, index).reshape(n, levels, 4, -1);
        var features = (corners * weight).sum(2).reshape(n, -1);
        return mlp.forward(features).sigmoid().MoveToOuterDisposeScope();
    }
}
