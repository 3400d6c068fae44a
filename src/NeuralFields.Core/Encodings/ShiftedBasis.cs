using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// Shifted copies of one basis function along K directions of the coordinate: t = x P ([N, K]), then
/// φ(t_j − c_k) for the D centres c_k = (2k + 1)/D − 1, laid out direction-major ([N, K·D]). Divided by
/// the stored normalisation <c>norm</c> (largest row L2 norm on the training grid, see
/// <see cref="Calibrate"/>); before calibration each batch is divided by its own largest row norm, as the
/// paper's notebooks do.
/// </summary>
public abstract class ShiftedBasis : Encoding
{
    private readonly ShiftedBasisConfig _config;
    private readonly Tensor projection;   // [dims, K]: identity ("axes") or the four directions
    private readonly Tensor centers;      // [1, 1, D]
    private readonly Tensor norm;         // [1]: 0 until calibrated
    private bool _calibrated;

    protected ShiftedBasis(string name, ShiftedBasisConfig config, int inputDims) : base(name, inputDims)
    {
        _config = config;
        projection = tensor(Projection(config.Directions, inputDims)).reshape(inputDims, -1);
        Directions = (int)projection.shape[1];
        var c = Enumerable.Range(0, config.Centers).Select(k => SampleGrid.Coordinate(k, config.Centers)).ToArray();
        centers = tensor(c).reshape(1, 1, config.Centers);
        norm = zeros(1);
    }

    /// <summary>
    /// Columns are directions. "four" adapts the paper's x, y, (x+y)/2, (x−y+1)/2 on [0,1]² to [-1,1]²:
    /// with x = 2u − 1 the same lines are x, y, (x+y)/2, (x−y)/2, each again inside [-1,1].
    /// </summary>
    public static float[] Projection(ShiftDirections directions, int inputDims)
    {
        if (directions == ShiftDirections.Four)
        {
            if (inputDims != 2)
                throw new ConfigException($"directions \"four\" needs 2-D coordinates, not {inputDims}-D");
            return [1, 0, 0.5f, 0.5f, 0, 1, 0.5f, -0.5f];
        }
        var identity = new float[inputDims * inputDims];
        for (int i = 0; i < inputDims; i++) identity[i * inputDims + i] = 1;
        return identity;
    }

    /// <summary>Directions K the centres are laid along.</summary>
    public int Directions { get; }

    public override int OutputDims => _config.OutputDims(InputDims);

    public override EncodingConfig Config => _config;

    public override bool NeedsCalibration => true;

    /// <summary>The stored normalisation (0 before calibration).</summary>
    public double Normalisation => norm.item<float>();

    /// <summary>The basis at offsets t − c (any shape, elementwise).</summary>
    protected abstract Tensor Basis(Tensor offsets);

    /// <summary>Stores the largest row L2 norm of the unnormalised features on these coordinates.</summary>
    public override void Calibrate(Tensor trainingCoordinates)
    {
        using var _ = no_grad();
        double largest = 0;
        const long chunk = 16384;
        for (long start = 0; start < trainingCoordinates.shape[0]; start += chunk)
        {
            using var scope = NewDisposeScope();
            var part = trainingCoordinates.narrow(0, start, Math.Min(chunk, trainingCoordinates.shape[0] - start));
            largest = Math.Max(largest, Raw(part).norm(1).max().item<float>());
        }
        if (largest <= 0)
            throw new NeuralFieldsException($"{GetType().Name}: every feature is 0 on the training grid (basis too narrow?)");
        norm.fill_(largest);
        _calibrated = true;
    }

    protected override Tensor Encode(Tensor coordinates)
    {
        using var scope = NewDisposeScope();
        var raw = Raw(coordinates);
        // A checkpoint restores the buffer after construction: look once, then trust the flag.
        _calibrated = _calibrated || norm.item<float>() > 0;
        var scale = _calibrated ? norm : raw.norm(1).max().clamp_min(1e-12);
        return raw.div_(scale).MoveToOuterDisposeScope();
    }

    private Tensor Raw(Tensor coordinates)
    {
        using var t = coordinates.matmul(projection);                 // [N, K]
        using var offsets = t.unsqueeze(2) - centers;                 // [N, K, D]
        return Basis(offsets).reshape(coordinates.shape[0], OutputDims);
    }
}
