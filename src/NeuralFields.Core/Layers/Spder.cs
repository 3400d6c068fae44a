using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>SPDER's sin(u)·d(u) with u = ω0 z, with SIREN's initialisation (<see cref="SirenActivation"/>).</summary>
[Computes(typeof(SpderActivationConfig))]
public sealed class Spder(SpderActivationConfig config, int layer)
    : SirenActivation("spder", layer == 0 ? config.FirstOmega0 : config.Omega0, config.Omega0)
{
    public SpderDamping Damping { get; } = config.Damping;

    public override Tensor forward(Tensor input) => SpderFunction.Apply(input, Omega0, Damping);
}
