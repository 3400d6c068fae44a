using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>SIREN's sin(ω0 z), with SIREN's initialisation (<see cref="SirenActivation"/>).</summary>
public sealed class Sine(double omega0, double hiddenOmega0) : SirenActivation("sine", omega0, hiddenOmega0)
{
    public override Tensor forward(Tensor input) => SineFunction.Apply(input, Omega0);
}
