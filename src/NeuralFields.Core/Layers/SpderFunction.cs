using NeuralFields.Schema.Components;
using static TorchSharp.torch;

namespace NeuralFields.Core.Layers;

/// <summary>
/// y = sin(u)·d(u), u = ω z, as one autograd node that keeps only z. Derivatives with respect to u:
/// √: cos(u)·√m + sin(u)·sign(u)/(2√m) where |u| &gt; ε and cos(u)·√ε inside (m = max(|u|, ε), ε = 1e-30:
/// the authors' 1e-43 is a float32 subnormal that flush-to-zero would turn into a 0/0);
/// arctan: cos(u)·arctan(u) + sin(u)/(1 + u²). Both times ω for z.
/// </summary>
public sealed class SpderFunction : autograd.SingleTensorFunction<SpderFunction>
{
    public const double Epsilon = 1e-30;

    public override string Name => "NeuralFieldsSpder";

    /// <summary>Without gradients the value is computed directly, with no autograd context keeping z alive (as <see cref="SineFunction"/>).</summary>
    public static Tensor Apply(Tensor z, double omega, SpderDamping damping) =>
        is_grad_enabled() && z.requires_grad ? apply(z, omega, damping) : Value(z, omega, damping);

    private static Tensor Value(Tensor z, double omega, SpderDamping damping)
    {
        using var scope = NewDisposeScope();
        var u = z * omega;
        var damped = damping == SpderDamping.Sqrt ? u.abs().clamp_min_(Epsilon).sqrt_() : u.arctan();
        return u.sin_().mul_(damped).MoveToOuterDisposeScope();
    }

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var z = (Tensor)vars[0];
        double omega = (double)vars[1];
        var damping = (SpderDamping)vars[2];
        ctx.save_for_backward([z]);
        ctx.save_data("omega", omega);
        ctx.save_data("damping", damping);
        return Value(z, omega, damping);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var saved = ctx.get_saved_variables();
        double omega = (double)ctx.get_data("omega");
        var damping = (SpderDamping)ctx.get_data("damping");
        using var scope = NewDisposeScope();
        var u = saved[0] * omega;
        Tensor derivative;
        if (damping == SpderDamping.Sqrt)
        {
            var magnitude = u.abs();
            var root = magnitude.clamp_min(Epsilon).sqrt_();
            // d√max(|u|, ε)/du = sign(u)/(2√|u|) above ε, 0 below.
            var dampingSlope = where(magnitude > Epsilon, u.sign().div_(root).mul_(0.5), zeros_like(u));
            derivative = u.cos().mul_(root).add_(u.sin().mul_(dampingSlope));
        }
        else
        {
            derivative = u.cos().mul_(u.arctan()).add_(u.sin().div_(u.square().add_(1)));
        }
        var gradient = derivative.mul_(grad_output).mul_(omega).MoveToOuterDisposeScope();
        // Backward runs on autograd's thread, outside the caller's dispose scopes: release these handles here (as SineFunction does).
        foreach (var t in saved) t.Dispose();
        grad_output.Dispose();
        return [gradient, null!, null!];
    }
}
