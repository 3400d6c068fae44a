using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using NeuralFields.Kernels.Encodings;
using NeuralFields.Kernels.Fused;

namespace NeuralFields.Kernels.Tests;

/// <summary>
/// Compiles the kernels to PTX for an H100 (sm_90) without a GPU, so the CUDA path is known to build:
/// ILGPU's PTX backend lacks some .NET math (MathF.Exp, atan, accurate sin) that the CPU accelerator
/// runs happily. Every encoding struct, activation, head and coordinate source is compiled at least once.
/// </summary>
public class PtxCompileTests
{
    private static readonly Lazy<(Context Context, PTXBackend Backend)> Ptx = new(() =>
    {
        var context = Context.Create(builder => builder.Optimize(OptimizationLevel.Release));
        var architecture = CudaArchitecture.SM_90;
        return (context, new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, CudaInstructionSet.ISA_80, null));
    });

    public static TheoryData<string> EncodeKernels() =>
        [.. new[]
        {
            typeof(IdentityKernel), typeof(PositionalKernel), typeof(FourierKernel), typeof(ShiftedBasisKernel<GaussianBasis>),
            typeof(ShiftedBasisKernel<TriangleBasis>), typeof(QuantizedKernel<PositionalKernel>), typeof(HashGridKernel),
        }.Select(t => t.FullName!)];

    [Theory]
    [MemberData(nameof(EncodeKernels))]
    public void Encode_kernel_compiles_to_ptx(string encoding)
    {
        var type = typeof(IEncodingKernel).Assembly.GetType(encoding)!;
        var ptx = Compile(typeof(Runtime.Kernels).GetMethod(nameof(Runtime.Kernels.Encode))!.MakeGenericMethod(type));
        AssertAccurateMath(ptx);
    }

    [Theory]
    [InlineData(typeof(GridSource), typeof(PositionalKernel), typeof(ReluKernel), typeof(CenteredLinearHead))]
    [InlineData(typeof(ListSource), typeof(HashGridKernel), typeof(SineKernel), typeof(SigmoidHeadKernel))]
    [InlineData(typeof(GridSource), typeof(ShiftedBasisKernel<GaussianBasis>), typeof(SpderKernel), typeof(PlainLinearHead))]
    public void Fused_render_kernel_compiles_to_ptx(Type source, Type encoding, Type activation, Type head)
    {
        var ptx = Compile(typeof(Runtime.Kernels).GetMethod(nameof(Runtime.Kernels.Render))!.MakeGenericMethod(source, encoding, activation, head));
        AssertAccurateMath(ptx);
    }

    private static string Compile(MethodInfo kernel)
    {
        var entry = EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        var compiled = (PTXCompiledKernel)Ptx.Value.Backend.Compile(entry, default(KernelSpecialization));
        Assert.Contains(".entry", compiled.PTXAssembly);
        return compiled.PTXAssembly;
    }

    /// <summary>No hardware approximations of sin/cos (their error grows with the argument).</summary>
    private static void AssertAccurateMath(string ptx)
    {
        Assert.DoesNotContain("sin.approx", ptx);
        Assert.DoesNotContain("cos.approx", ptx);
    }
}
