using static TorchSharp.torch;

namespace NeuralFields.Core.Training;

/// <summary>
/// Which samples a mini-batch step trains on, when uniform random samples are not the right batch (a latent-grid codec
/// draws whole tiles). The draw depends on the step alone, so a run with the same seed trains on the same batches.
/// </summary>
public interface IBatchDraw
{
    /// <summary>About how many samples a batch holds: what progress and memory plans count.</summary>
    long Size { get; }

    /// <summary>The sample indices (int64 [n]) step number <paramref name="stepIndex"/> trains on.</summary>
    Tensor Draw(int stepIndex);
}
