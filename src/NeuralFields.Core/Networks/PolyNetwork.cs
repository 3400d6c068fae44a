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
/// W_i Kaiming-uniform for the leaky slope; W_out PyTorch's default.
/// </summary>
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
            int fanIn = level == 0 ? config.Width : config.Width;
            var w = nn.Linear(config.Width, config.Width);
            using (no_grad())
            {
                double aw = double.Parse(Environment.GetEnvironmentVariable("NF_POLY_AW") ?? "1");
                double b0 = double.Parse(Environment.GetEnvironmentVariable("NF_POLY_B0") ?? "0.5");
                double b1 = double.Parse(Environment.GetEnvironmentVariable("NF_POLY_B1") ?? "1.5");
                a.weight!.uniform_(-aw, aw);
                a.bias!.uniform_(b0, b1);
                double bound = gain * Math.Sqrt(3.0 / fanIn);
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
            if (Environment.GetEnvironmentVariable("NF_POLY_LEAKY") == "1") coordinateTerm = nn.functional.leaky_relu(coordinateTerm, _slope);
            var product = h is null ? coordinateTerm : h * coordinateTerm;
            h = nn.functional.leaky_relu(weights[level].forward(product), _slope);
        }
        return output.forward(h!).MoveToOuterDisposeScope();
    }
}
