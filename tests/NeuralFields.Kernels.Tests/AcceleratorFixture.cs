using ILGPU.Runtime;
using NeuralFields.Core.Runtime;
using NeuralFields.Kernels.Runtime;

namespace NeuralFields.Kernels.Tests;

/// <summary>
/// One accelerator for the whole test run: ILGPU's CPU accelerator, or the one NF_TEST_ACCELERATOR names
/// ("cuda" on a GPU machine, see tools/gpu-check.sh), so kernels are compiled once and cached.
/// </summary>
public sealed class AcceleratorFixture : IDisposable
{
    public const string Variable = "NF_TEST_ACCELERATOR";

    public AcceleratorFixture()
    {
        Torch.EnsureLoaded();
        Kind = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } kind ? kind.Trim().ToLowerInvariant() : "cpu";
        Accelerator = ComputeDevices.Create(Kind);
    }

    public string Kind { get; }

    public Accelerator Accelerator { get; }

    public void Dispose() => Accelerator.Dispose();
}

[CollectionDefinition(Name)]
public sealed class SharedAccelerator : ICollectionFixture<AcceleratorFixture>
{
    public const string Name = "accelerator";
}
