using static TorchSharp.torch;

namespace NeuralFields.Core.Networks;

/// <summary>A network whose coarser levels are usable outputs on their own (levels count from 1, the coarsest).</summary>
public interface ILevelledNetwork
{
    int Levels { get; }

    /// <summary>The output of <paramref name="level"/> (1..<see cref="Levels"/>); only its own and coarser levels run.</summary>
    Tensor ForwardLevel(Tensor input, int level);
}
