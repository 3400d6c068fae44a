using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Fused;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Backends;

/// <summary>
/// Reads what the kernels need out of a trained TorchSharp model: the encoding's fixed data (the Fourier
/// matrix, a shifted basis' projection and stored normalisation, hash tables) and the MLP's weights as
/// one flat float array in the layout of <see cref="MlpShape"/>.
/// </summary>
public static class FieldExport
{
    /// <summary>The kernels' description of a Core encoding module.</summary>
    public static EncodingSpec Encoding(Encoding encoding)
    {
        var spec = new EncodingSpec(encoding.Config, encoding.InputDims);
        return encoding switch
        {
            GaussianFourierFeatures => spec with { FourierMatrix = GaussianFourierFeatures.Matrix((GaussianFourierConfig)encoding.Config, encoding.InputDims) },
            ShiftedBasis s => spec with
            {
                Projection = ShiftedBasis.Projection(((ShiftedBasisConfig)encoding.Config).Directions, encoding.InputDims),
                Normalisation = (float)s.Normalisation,
            },
            QuantizedEncoding q => spec with { Inner = Encoding(q.Inner) },
            HashGridEncoding h => spec with { HashTable = Floats(h.parameters().Single()) },
            _ => spec,
        };
    }

    /// <summary>Whether <see cref="Field"/> can export this model; <paramref name="reason"/> says why not.</summary>
    public static bool CanExport(FieldModel model, out string reason) => FusedField.IsSupported(model.Config, out reason);

    /// <summary>The model as the fused kernel takes it; <see cref="ConfigException"/> when it cannot.</summary>
    public static FusedField Field(FieldModel model)
    {
        if (!CanExport(model, out var reason)) throw new ConfigException(reason);
        var mlp = (MlpConfig)model.Config.Network;
        int outputs = model.Signal.Channels;
        var parameters = new List<float>();
        int fanIn = model.Encoding.OutputDims;
        var named = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        for (int layer = 0; layer <= mlp.HiddenLayers; layer++)
        {
            int fanOut = layer < mlp.HiddenLayers ? mlp.Width : outputs;
            parameters.AddRange(Take(named, $"network.layers.{layer}.weight", [fanOut, fanIn]));
            parameters.AddRange(Take(named, $"network.layers.{layer}.bias", [fanOut]));
            fanIn = fanOut;
        }
        return new FusedField(Encoding(model.Encoding), mlp, outputs, parameters.ToArray(), model.Config.Head);
    }

    private static float[] Take(Dictionary<string, Tensor> named, string name, long[] shape)
    {
        if (!named.TryGetValue(name, out var tensor) || !tensor.shape.SequenceEqual(shape))
            throw new InvalidOperationException($"the model has no parameter {name} of shape [{string.Join(", ", shape)}]");
        return Floats(tensor);
    }

    private static float[] Floats(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous().to(ScalarType.Float32);
        return cpu.data<float>().ToArray();
    }
}
