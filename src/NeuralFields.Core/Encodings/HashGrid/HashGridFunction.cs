using NeuralFields.Core.Runtime;
using static TorchSharp.torch;

namespace NeuralFields.Core.Encodings.HashGrid;

/// <summary>
/// The hash grid as one autograd node: forward and backward run <see cref="HashGridKernels"/> on the
/// tensors' memory. Coordinates get no gradient (they are data, never trained).
/// </summary>
public sealed class HashGridFunction : autograd.SingleTensorFunction<HashGridFunction>
{
    public override string Name => "NeuralFieldsHashGrid";

    /// <summary>Without gradients the kernel runs directly, with no autograd context keeping the coordinates alive (as <see cref="Layers.SineFunction"/>).</summary>
    public static Tensor Apply(HashGridLayout layout, Tensor coordinates, Tensor table)
    {
        if (is_grad_enabled() && table.requires_grad) return apply(layout, coordinates, table);
        using var coords = coordinates.detach().contiguous();
        return Encode(layout, coords, table);
    }

    public override unsafe Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var layout = (HashGridLayout)vars[0];
        var coords = ((Tensor)vars[1]).detach().contiguous();
        ctx.save_for_backward([coords]);
        ctx.save_data("layout", layout);
        return Encode(layout, coords, (Tensor)vars[2]);
    }

    private static Tensor Encode(HashGridLayout layout, Tensor coords, Tensor table)
    {
        var output = empty(coords.shape[0], layout.OutputDims);
        using var tableData = table.detach().contiguous();
        Kernels(layout, coords, tableData, output, forward: true);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        // Backward runs on autograd's thread, outside every dispose scope: the handles it gets are released here (as SineFunction does).
        using var coords = ctx.get_saved_variables()[0];
        var layout = (HashGridLayout)ctx.get_data("layout");
        using var gradOutput = grad_output.contiguous();
        var gradTable = empty(layout.TotalEntries, layout.Features);   // every entry is written by the kernel
        Kernels(layout, coords, gradOutput, gradTable, forward: false);
        grad_output.Dispose();
        return [null!, null!, gradTable];
    }

    private static unsafe void Kernels(HashGridLayout layout, Tensor coords, Tensor input, Tensor output, bool forward)
    {
        float* c = TensorPointer.Float(coords), i = TensorPointer.Float(input), o = TensorPointer.Float(output);
        if (forward) HashGridKernels.Forward(layout, c, coords.shape[0], i, o);
        else HashGridKernels.Backward(layout, c, coords.shape[0], i, o);
    }
}
