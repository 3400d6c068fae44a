using NeuralFields.Schema.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Networks;

/// <summary>
/// Poly-INR for one signal (see <see cref="PolyConfig"/>): h_0 = σ(W_0 A_0 x̃), h_i = σ(W_i (h_{i−1} ⊙ A_i x̃)),
/// output W_out h_L. A_i x̃ is a Linear on x with a bias (= A_i [x, 1]). Initialisation (ours; the paper
/// trains a GAN's mapping network instead): A_i weights U(±1), biases U(0.5, 1.5), so every level starts
/// as a multiplier near 1 that varies across the domain and deep products neither vanish nor explode;
/// W_i Kaiming-uniform for the leaky slope with zero biases; W_out PyTorch's default. (Tried on a 64x64
/// image: affine weights U(±2) with biases U(±1), or a LeakyReLU on A_i x̃ as the GAN code has, were no
/// better; U(±4) diverged.)
/// </summary>
[Computes(typeof(PolyConfig))]
public sealed class PolyNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> affine = new();
    private readonly ModuleList<Linear> weights = new();
    private readonly Linear output;
    private readonly double _slope;

    public PolyNetwork(PolyConfig config, int inputs, int outputs) : base("poly")
    {
        Inputs = inputs;
        Outputs = outputs;
        _slope = config.NegativeSlope;
        double gain = Math.Sqrt(2.0 / (1 + _slope * _slope));
        for (int level = 0; level <= config.Levels; level++)
        {
            var a = nn.Linear(inputs, config.Width);
            var w = nn.Linear(config.Width, config.Width);
            using (no_grad())
            {
                a.weight!.uniform_(-1, 1);
                a.bias!.uniform_(0.5, 1.5);
                double bound = gain * Math.Sqrt(3.0 / config.Width);
                w.weight!.uniform_(-bound, bound);
                w.bias!.zero_();
            }
            affine.Add(a);
            weights.Add(w);
        }
        output = nn.Linear(config.Width, outputs);
        RegisterComponents();
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor? h = null;
        for (int level = 0; level < affine.Count; level++)
        {
            var coordinateTerm = affine[level].forward(input);                 // A_i x̃, [N, width]
            var product = h is null ? coordinateTerm : h * coordinateTerm;
            h = nn.functional.leaky_relu(weights[level].forward(product), _slope);
        }
        return output.forward(h!).MoveToOuterDisposeScope();
    }
}
