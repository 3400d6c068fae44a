using NeuralFields.Schema.Components;
using NeuralFields.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Networks;

/// <summary>
/// input → [Linear → activation] × hiddenLayers → Linear → output. "hiddenLayers" counts the
/// activated layers, as tiny-cuda-nn's n_hidden_layers does (SIREN's code counts one fewer).
/// </summary>
[Computes(typeof(MlpConfig))]
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers = new();
    private readonly ModuleList<Activation> activations = new();

    public Mlp(MlpConfig config, int inputs, int outputs)
        : this(inputs, outputs, config.HiddenLayers, config.Width, layer => Models.ComponentBuilders.BuildActivation(config.Activation, layer))
    {
    }

    public Mlp(int inputs, int outputs, int hiddenLayers, int width, Func<int, Activation> activationForLayer)
        : base("mlp")
    {
        Inputs = inputs;
        Outputs = outputs;
        for (int i = 0; i < hiddenLayers; i++)
        {
            var linear = nn.Linear(i == 0 ? inputs : width, width);
            var activation = activationForLayer(i);
            activation.InitializeIncoming(linear.weight!, linear.bias!, isFirstLayer: i == 0);
            layers.Add(linear);
            activations.Add(activation);
        }
        var output = nn.Linear(width, outputs);
        activations[^1].InitializeOutput(output.weight!, output.bias!);
        layers.Add(output);
        RegisterComponents();
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < activations.Count; i++)
        {
            using var z = layers[i].forward(x);
            var next = activations[i].forward(z);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        var output = layers[^1].forward(x);
        if (!ReferenceEquals(x, input)) x.Dispose();
        return output;
    }
}
