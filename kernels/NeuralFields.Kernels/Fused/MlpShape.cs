namespace NeuralFields.Kernels.Fused;

/// <summary>
/// The shape of an MLP as the fused kernel walks it: inputs → [width]×hidden (activated) → outputs.
/// Parameters are flat: W₀ [width, inputs], b₀ [width], …, W_out [outputs, width], b_out [outputs],
/// weights row-major [out, in] as in nn.Linear. A <c>SpecializedValue</c>, so on a GPU every loop bound
/// is a compile-time constant.
/// </summary>
public readonly struct MlpShape(int inputs, int width, int hiddenLayers, int outputs, float firstOmega, float omega)
    : IEquatable<MlpShape>
{
    public readonly int Inputs = inputs;
    public readonly int Width = width;
    public readonly int HiddenLayers = hiddenLayers;
    public readonly int Outputs = outputs;
    /// <summary>ω0 of the first hidden layer (SIREN's first_omega0) and of the later ones.</summary>
    public readonly float FirstOmega = firstOmega, Omega = omega;

    /// <summary>Floats in the flat parameter array.</summary>
    public long ParameterCount =>
        (long)Width * (Inputs + 1) + (long)(HiddenLayers - 1) * Width * (Width + 1) + (long)Outputs * (Width + 1);

    /// <summary>Rows of per-sample scratch: the widest of the encoding's features and the hidden width.</summary>
    public int ScratchRows => System.Math.Max(Inputs, Width);

    public bool Equals(MlpShape other) =>
        Inputs == other.Inputs && Width == other.Width && HiddenLayers == other.HiddenLayers && Outputs == other.Outputs
        && FirstOmega == other.FirstOmega && Omega == other.Omega;

    public override bool Equals(object? obj) => obj is MlpShape other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Inputs, Width, HiddenLayers, Outputs, FirstOmega, Omega);
}
