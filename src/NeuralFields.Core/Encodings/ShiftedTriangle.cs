using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>Shifted triangles max(0, 1 − |t − c|/d), d defaulting to the centre spacing 2/D (see <see cref="ShiftedBasis"/>).</summary>
[Computes(typeof(ShiftedTriangleConfig))]
public sealed class ShiftedTriangle : ShiftedBasis
{
    public ShiftedTriangle(ShiftedTriangleConfig config, int inputDims) : base("shifted_triangle", config, inputDims)
    {
        HalfWidth = config.HalfWidth ?? 2.0 / config.Centers;
        RegisterComponents();
    }

    /// <summary>d: the distance at which a triangle reaches 0.</summary>
    public double HalfWidth { get; }

    protected override Tensor Basis(Tensor offsets) => offsets.abs().mul_(-1.0 / HalfWidth).add_(1).clamp_min_(0);
}
