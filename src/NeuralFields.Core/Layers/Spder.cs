using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>SPDER's sin(u)·d(u) with u = ω0 z, with SIREN's initialisation (<see cref="SirenActivation"/>).</summary>
public sealed class Spder(double omega0, double hiddenOmega0, SpderDamping damping) : SirenActivation("spder", omega0, hiddenOmega0)
{
    public SpderDamping Damping { get; } = damping;

    public override Tensor forward(Tensor input) => SpderFunction.Apply(input, Omega0, Damping);
}
