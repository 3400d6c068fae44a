using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>No encoding: features are the coordinates.</summary>
[Computes(typeof(IdentityEncodingConfig))]
public sealed class IdentityEncoding(IdentityEncodingConfig config, int inputDims) : Encoding("identity", inputDims)
{
    public override int OutputDims => InputDims;

    public override EncodingConfig Config => config;

    protected override Tensor Encode(Tensor coordinates) => coordinates.alias();
}
