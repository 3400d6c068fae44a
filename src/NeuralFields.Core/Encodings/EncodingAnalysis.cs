using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>The two numbers "Rethinking positional encoding" says decide an embedding's quality.</summary>
/// <param name="Size">Grid samples per axis.</param>
/// <param name="Dims">Coordinate dimensions of the grid.</param>
/// <param name="Samples">Rows of the embedded matrix: size^dims grid points.</param>
/// <param name="Features">Embedding width.</param>
/// <param name="StableRank">Σ s_i² / s_1² of the singular values of the [samples, features] matrix.</param>
/// <param name="StableRankL1">Σ s_i / s_1, the L1 variant the authors' notebooks also log.</param>
/// <param name="DistancePreservation">(fraction of the grid whose correlation with the middle sample exceeds 0.1)^(1/dims) / 2.</param>
public sealed record EncodingStatistics(int Size, int Dims, long Samples, int Features, double StableRank, double StableRankL1,
    double DistancePreservation);

/// <summary>
/// Stable rank and distance preservation of an encoding on the regular grid of <c>size</c> samples per
/// axis (<see cref="SampleGrid"/>, so 2-D encodings are measured on size × size points). Correlation is the
/// cosine of two embedded rows. Distance preservation follows the authors' 1-D notebook, DP = (fraction of
/// the samples whose correlation with the middle one, index size/2 on every axis, exceeds 0.1) / 2; in d
/// dimensions the fraction is an area or volume, so its d-th root is taken first (a correlated square of side
/// 2r gives r, as a correlated interval of length 2r does in 1-D). Axis-concatenated encodings keep points of
/// one row correlated at any distance, and the figure shows it. Encodings that need it are first calibrated
/// on the grid (both numbers ignore the scale anyway).
/// </summary>
public static class EncodingAnalysis
{
    public const double CorrelationThreshold = 0.1;

    public static EncodingStatistics Analyze(Encoding encoding, int size)
    {
        int dims = encoding.InputDims;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var grid = tensor(SampleGrid.Coordinates(Enumerable.Repeat(size, dims).ToArray())).reshape(-1, dims);
        if (encoding.NeedsCalibration)
            encoding.Calibrate(grid);
        var features = encoding.forward(grid).to(ScalarType.Float64);
        var singular = linalg.svdvals(features);
        double first = singular[0].item<double>();
        if (first <= 0)
            throw new NeuralFieldsException("every embedded sample is 0: the encoding has no energy on this grid");
        double stableRank = singular.square().sum().item<double>() / (first * first);
        double stableRankL1 = singular.sum().item<double>() / first;

        long middle = 0, stride = 1;
        for (int axis = 0; axis < dims; axis++, stride *= size)
            middle += size / 2 * stride;
        var unit = features / features.norm(1, keepdim: true).clamp_min(1e-300);
        var correlation = unit.matmul(unit[middle]);
        double fraction = (correlation > CorrelationThreshold).sum().item<long>() / (double)grid.shape[0];
        double preservation = Math.Pow(fraction, 1.0 / dims) / 2;
        return new EncodingStatistics(size, dims, grid.shape[0], encoding.OutputDims, stableRank, stableRankL1, preservation);
    }
}
