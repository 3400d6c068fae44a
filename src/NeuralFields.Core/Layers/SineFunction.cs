using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>
/// y = sin(ω z) as one autograd node: the forward keeps only z, the backward computes ω cos(ω z) g.
/// Saves one [N, width] temporary per layer against the mul-then-sin chain.
/// </summary>
public sealed class SineFunction : autograd.SingleTensorFunction<SineFunction>
{

    public override string Name => "NeuralFieldsSine";

    /// <summary>
    /// Without gradients (prediction, rendering) the product is computed directly: an autograd node would keep z alive in
    /// its context until the garbage collector found it, about 3 MB per 4,096 samples and layer while a clip renders.
    /// </summary>
    public static Tensor Apply(Tensor z, double omega) =>
        is_grad_enabled() && z.requires_grad ? apply(z, omega) : Value(z, omega);

    private static Tensor Value(Tensor z, double omega) => (z * omega).sin_();

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var z = (Tensor)vars[0];
        double omega = (double)vars[1];
        ctx.save_for_backward([z]);
        ctx.save_data("omega", omega);
        return Value(z, omega);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        double omega = (double)ctx.get_data("omega");
        // In-place ops return the same tensor: the result is the fresh product, not to be disposed here.
        var gradient = saved[0].mul(omega).cos_().mul_(grad_output).mul_(omega);
        // Backward runs on autograd's thread, outside every dispose scope: without these the handles leaked
        // about 20 MB a step (SIREN 3x256 on 64x64).
        foreach (var t in saved) t.Dispose();
        grad_output.Dispose();
        return [gradient, null!];
    }
}
