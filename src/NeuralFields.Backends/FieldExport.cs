using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Fused;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Backends;

/// <summary>
/// Reads what the kernels need out of a trained TorchSharp model: every tensor the encoding's config
/// describes (bases, stored normalisations, hash tables), by the description's names, and the MLP's
/// weights as one flat float array in the layout of <see cref="MlpShape"/>.
/// </summary>
public static class FieldExport
{
    /// <summary>The kernels' description of a Core encoding module: its config and its tensors by name.</summary>
    public static EncodingSpec Encoding(Encoding encoding)
    {
        var state = encoding.state_dict();
        var tensors = new Dictionary<string, float[]>();
        foreach (var spec in encoding.Config.Tensors(encoding.InputDims))
            tensors[spec.Name] = state.TryGetValue(spec.Name, out var t)
                ? Floats(t)
                : throw new InvalidOperationException($"the {encoding.GetType().Name} module holds no '{spec.Name}' its config describes");
        return new EncodingSpec(encoding.Config, encoding.InputDims) { Tensors = tensors };
    }

    /// <summary>Whether <see cref="Field"/> can export this model; <paramref name="reason"/> says why not.</summary>
    public static bool CanExport(FieldModel model, out string reason) => FusedField.IsSupported(model.Config, out reason);

    /// <summary>The model as the fused kernel takes it; <see cref="ConfigException"/> when it cannot.</summary>
    public static FusedField Field(FieldModel model)
    {
        if (!CanExport(model, out var reason)) throw new ConfigException(reason);
        var named = model.state_dict();
        var parameters = new List<float>();
        foreach (var spec in model.Layout.Tensors.Where(t => t.Name.StartsWith(FieldLayout.NetworkPrefix + ".", StringComparison.Ordinal)))
        {
            if (!named.TryGetValue(spec.Name, out var tensor) || !tensor.shape.SequenceEqual(spec.Shape.Select(d => (long)d)))
                throw new InvalidOperationException($"the model has no parameter {spec.Name} of shape [{string.Join(", ", spec.Shape)}]");
            parameters.AddRange(Floats(tensor));
        }
        return new FusedField(Encoding(model.Encoding), (MlpConfig)model.Config.Network, model.Signal.Channels, parameters.ToArray(), model.Config.Head);
    }

    private static float[] Floats(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous().to(ScalarType.Float32);
        return cpu.data<float>().ToArray();
    }
}
