using NeuralFields.Codec.Decoder.Inference;
using NeuralFields.Codec.Decoder.Quantization;
using NeuralFields.Codec.Quantization;
using NeuralFields.Core.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Codec.Format;

/// <summary>
/// The link between a TorchSharp <see cref="FieldModel"/> and a neural file: its stored parameters in
/// file order (<see cref="ModelLayout.Tensors"/>, matched by state_dict name), quantised out of the
/// model or loaded back into it.
/// </summary>
public static class ModelTensors
{
    public static IReadOnlyList<(string Name, int[] Shape, Parameter Parameter)> Of(FieldModel model)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var result = new List<(string, int[], Parameter)>();
        foreach (var (name, shape) in ModelLayout.Tensors(model.Config, model.Signal))
        {
            if (!parameters.TryGetValue(name, out var p) || !p.shape.SequenceEqual(shape.Select(d => (long)d)))
                throw new InvalidOperationException($"the model has no parameter {name} [{string.Join("x", shape)}] where the file layout needs one");
            result.Add((name, shape, p));
        }
        if (result.Count != parameters.Count)
            throw new InvalidOperationException("the model has parameters the file layout does not store");
        return result;
    }

    public static float[] Values(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        return cpu.data<float>().ToArray();
    }

    /// <summary>Index of the output layer, for <see cref="QuantizationPlan.For"/>.</summary>
    public static int OutputLayer(FieldModel model) => ((Schema.Components.MlpConfig)model.Config.Network).HiddenLayers;

    public static List<QuantizedTensor> Quantize(FieldModel model, QuantizationPlan plan) =>
        Of(model).Select(t =>
        {
            var (bits, granularity) = plan.For(t.Name, t.Shape, OutputLayer(model));
            return UniformQuantizer.Quantize(t.Name, t.Shape, Values(t.Parameter), bits, granularity);
        }).ToList();

    /// <summary>Writes the dequantised values of <paramref name="tensors"/> into the model's parameters.</summary>
    public static void Load(FieldModel model, IEnumerable<QuantizedTensor> tensors)
    {
        var byName = tensors.ToDictionary(t => t.Name);
        using var _ = no_grad();
        foreach (var (name, shape, parameter) in Of(model))
        {
            using var source = tensor(byName[name].Dequantize()).reshape(shape.Select(d => (long)d).ToArray());
            parameter.copy_(source);
        }
    }
}
