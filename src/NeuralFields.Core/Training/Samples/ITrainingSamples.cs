using static TorchSharp.torch;

namespace NeuralFields.Core.Training.Samples;

/// <summary>
/// The coordinate/value pairs a field trains on, handed out a batch at a time so a large signal never needs its
/// float coordinates and values all at once: a grid keeps its integer samples and makes coordinates from indices.
/// Targets are values in [0, 1], [n, channels]; coordinates [n, dims].
/// </summary>
public interface ITrainingSamples : IDisposable
{
    long Count { get; }

    int CoordinateDims { get; }

    int Channels { get; }

    /// <summary>The pairs at these sample indices (int64 [n]).</summary>
    (Tensor Coordinates, Tensor Targets) Gather(Tensor indices);

    /// <summary>The pairs <paramref name="start"/> .. <paramref name="start"/> + <paramref name="length"/> − 1, in order.</summary>
    (Tensor Coordinates, Tensor Targets) Slice(long start, long length);

    /// <summary>Bytes the samples hold in memory.</summary>
    long Bytes { get; }
}

/// <summary>Pairs held as two float tensors (scattered points, a mask's kept pixels, small signals).</summary>
public sealed class TensorSamples(Tensor coordinates, Tensor targets) : ITrainingSamples
{
    public long Count => coordinates.shape[0];

    public int CoordinateDims => (int)coordinates.shape[1];

    public int Channels => (int)targets.shape[1];

    public long Bytes => (coordinates.numel() + targets.numel()) * sizeof(float);

    public (Tensor Coordinates, Tensor Targets) Gather(Tensor indices) => (coordinates.index_select(0, indices), targets.index_select(0, indices));

    public (Tensor Coordinates, Tensor Targets) Slice(long start, long length) =>
        start == 0 && length == Count ? (coordinates.alias(), targets.alias()) : (coordinates.narrow(0, start, length), targets.narrow(0, start, length));

    public void Dispose()
    {
        coordinates.Dispose();
        targets.Dispose();
    }
}
