using NeuralFields.Schema.Components;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings;

/// <summary>
/// Learnable Fourier features: r(x) = (1/√F)[cos(x W_rᵀ) ‖ sin(x W_rᵀ)] with the parameter W_r
/// [F/2, dims] drawn from N(0, 1/γ²) by torch's seeded generator, optionally followed by
/// GeLU(r W₁ + b₁) W₂ + b₂ (PyTorch's default linear initialisation).
/// </summary>
[Computes(typeof(LearnableFourierConfig))]
public sealed class LearnableFourierFeatures : Encoding
{
    private readonly LearnableFourierConfig _config;
    private readonly Parameter frequencies;
    private readonly Linear? hidden;
    private readonly Linear? output;
    private readonly double _scale;

    public LearnableFourierFeatures(LearnableFourierConfig config, int inputDims) : base("learnable_fourier", inputDims)
    {
        _config = config;
        using (no_grad())
            frequencies = new Parameter(empty(config.Features / 2, inputDims).normal_(0, 1.0 / config.Gamma));
        if (config.MlpHidden > 0)
        {
            hidden = nn.Linear(config.Features, config.MlpHidden);
            output = nn.Linear(config.MlpHidden, config.OutputDims(inputDims));
        }
        _scale = 1.0 / Math.Sqrt(config.Features);
        RegisterComponents();
    }

    public override int OutputDims => _config.OutputDims(InputDims);

    public override EncodingConfig Config => _config;

    /// <summary>The trainable frequency matrix W_r [F/2, dims].</summary>
    public Tensor Frequencies => frequencies;

    protected override Tensor Encode(Tensor coordinates)
    {
        using var scope = NewDisposeScope();
        var phase = coordinates.matmul(frequencies.t());
        var r = cat([phase.cos(), phase.sin()], dim: 1).mul_(_scale);
        var result = hidden is null ? r : output!.forward(nn.functional.gelu(hidden.forward(r)));
        return result.MoveToOuterDisposeScope();
    }
}
