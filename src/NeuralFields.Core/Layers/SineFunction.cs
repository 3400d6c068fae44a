using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>
/// y = sin(ω z) as one autograd node: the forward keeps only z, the backward computes ω cos(ω z) g.
/// Saves one [N, width] temporary per layer against the mul-then-sin chain.
/// </summary>
public sealed class SineFunction : autograd.SingleTensorFunction<SineFunction>
{

    public override string Name => "NeuralFieldsSine";

    public static Tensor Apply(Tensor z, double omega) => apply(z, omega);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var z = (Tensor)vars[0];
        double omega = (double)vars[1];
        ctx.save_for_backward([z]);
        ctx.save_data("omega", omega);
        return (z * omega).sin_();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var z = ctx.get_saved_variables()[0];
        double omega = (double)ctx.get_data("omega");
        // In-place ops return the same tensor: the result is the fresh product, not to be disposed here.
        var gradient = z.mul(omega).cos_().mul_(grad).mul_(omega);
        return [gradient, null!];
    }
}
