using NeuralFields.Core.Encodings;
using NeuralFields.Core.Runtime;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

/// <summary>
/// The latent grids' C# training kernels against the TorchSharp operations they replace: the upsampling of a level
/// to the image and its transpose against bilinear interpolation (align_corners false) and its autograd, and the
/// noise phase's soft rounding against its formula and autograd in double.
/// </summary>
public class LatentKernelTests
{
    public LatentKernelTests() => Torch.EnsureLoaded();

    [Theory]
    [InlineData(5, 7, 23, 37)]      // ratios that are not whole numbers
    [InlineData(12, 19, 23, 37)]
    [InlineData(23, 37, 23, 37)]    // the image's own grid
    [InlineData(1, 1, 4, 6)]        // one cell
    [InlineData(2, 9, 16, 18)]      // whole ratios, 8 and 2
    public unsafe void Upsampling_and_its_transpose_match_bilinear_interpolation_and_its_gradient(int rows, int columns, int height, int width)
    {
        using var scope = NewDisposeScope();
        var grid = (randn(rows, columns, generator: new Generator(3)) * 4).requires_grad_(true);
        var upstream = randn(height * width, 3, generator: new Generator(4));        // three levels' columns; this is level 1
        var reference = nn.functional.interpolate(grid.unsqueeze(0).unsqueeze(0), [height, width], mode: InterpolationMode.Bilinear, align_corners: false).reshape(-1);
        var expectedGradient = autograd.grad([(reference * upstream.select(1, 1)).sum()], [grid])[0];

        var plan = new LatentUpsampling(rows, columns, height, width);
        var plain = grid.detach().contiguous();
        var zero = zeros(rows, columns);
        var features = zeros(height * width, 3);
        LatentUpsampling.Forward([plan, plan, plan], [TensorPointer.Float(zero), TensorPointer.Float(plain), TensorPointer.Float(zero)], TensorPointer.Float(features));
        var gradient = empty(rows, columns);
        plan.Transpose(TensorPointer.Float(upstream.contiguous()), 1, 3, TensorPointer.Float(gradient));

        // The positions are computed from the coordinates (as the decoder does), torch's from the size ratio: a few ulps apart.
        float largest = reference.abs().max().item<float>();
        Assert.True(features.select(1, 1).allclose(reference.detach(), rtol: 0, atol: 1e-5 * largest), $"forward differs by {(features.select(1, 1) - reference).abs().max().item<float>():G3}");
        Assert.Equal(0f, features.select(1, 0).abs().max().item<float>());      // each level fills its own column only
        float scale = expectedGradient.abs().max().item<float>();
        Assert.True(gradient.allclose(expectedGradient, rtol: 0, atol: 1e-5 * scale), $"transpose differs by {(gradient - expectedGradient).abs().max().item<float>():G3}");
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(9.5)]
    public unsafe void Soft_rounding_gives_its_formula_and_its_slope(double alpha)
    {
        using var scope = NewDisposeScope();
        const int count = 1003;                                          // not a whole number of registers
        var values = (randn(count, generator: new Generator(5)) * 4).to_type(ScalarType.Float64).requires_grad_(true);
        var noise = rand(count, generator: new Generator(6));
        // The formula in double: s(v) = ⌊v⌋ + ½ + tanh(α(v − ⌊v⌋ − ½)) / (2 tanh(α/2)), q = s(s(v) + u − ½).
        Tensor S(Tensor v)
        {
            var floor = v.floor().detach();
            return floor + 0.5 + (v - floor - 0.5).mul(alpha).tanh() / (2 * Math.Tanh(alpha / 2));
        }
        var expected = S(S(values) + noise.to_type(ScalarType.Float64) - 0.5);
        var expectedSlope = autograd.grad([expected.sum()], [values])[0];

        var v32 = values.detach().to_type(ScalarType.Float32).contiguous();
        var rounded = empty(count);
        var slope = empty(count);
        SoftRounding.Apply(TensorPointer.Float(v32), TensorPointer.Float(noise), TensorPointer.Float(rounded), TensorPointer.Float(slope), count, alpha);

        Assert.True(rounded.to_type(ScalarType.Float64).allclose(expected.detach(), rtol: 0, atol: 2e-5), $"values differ by {(rounded - expected).abs().max().item<double>():G3}");
        double steepest = expectedSlope.abs().max().item<double>();
        Assert.True(slope.to_type(ScalarType.Float64).allclose(expectedSlope, rtol: 0, atol: 1e-4 * steepest), $"slopes differ by {(slope - expectedSlope).abs().max().item<double>():G3}");
    }
}
