using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>SIREN's sin(ω0 z), with SIREN's initialisation (<see cref="SirenActivation"/>).</summary>
[Computes(typeof(SineActivationConfig))]
public sealed class Sine(SineActivationConfig config, int layer)
    : SirenActivation("sine", layer == 0 ? config.FirstOmega0 : config.Omega0, config.Omega0)
{
    public override Tensor forward(Tensor input) => SineFunction.Apply(input, Omega0);
}
