using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace NeuralFields.Kernels.Runtime;

/// <summary>One ILGPU device found on this machine.</summary>
public sealed record ComputeDevice(string Kind, int Index, string Name, long MemoryBytes, string Details);

/// <summary>
/// The process-wide ILGPU context (CUDA devices and the CPU accelerator; OpenCL is left out because
/// ILGPU refuses the common POCL CPU device) and the accelerators made from it.
/// </summary>
public static class ComputeDevices
{
    private static readonly Lock Gate = new();
    private static Context? _context;

    /// <summary>The context, created on first use.</summary>
    public static Context Context
    {
        get
        {
            lock (Gate)
                return _context ??= Context.Create(builder => builder.Cuda().DefaultCPU().Optimize(OptimizationLevel.Release));
        }
    }

    /// <summary>CUDA devices ILGPU found (none without an NVIDIA driver).</summary>
    public static IReadOnlyList<ComputeDevice> CudaDevices()
    {
        var devices = Context.GetCudaDevices();
        var result = new List<ComputeDevice>();
        for (int i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            result.Add(new ComputeDevice("cuda", i, d.Name, d.MemorySize,
                $"{d.Architecture}, {d.NumMultiprocessors} multiprocessors, driver {d.DriverVersion}"));
        }
        return result;
    }

    /// <summary>ILGPU's CPU accelerator (an emulator: correct, but far slower than plain C#).</summary>
    public static IReadOnlyList<ComputeDevice> CpuDevices()
    {
        var devices = Context.GetCPUDevices();
        var result = new List<ComputeDevice>();
        for (int i = 0; i < devices.Count; i++)
            result.Add(new ComputeDevice("cpu", i, devices[i].Name, devices[i].MemorySize, $"{devices[i].NumThreads} emulated threads"));
        return result;
    }

    public static bool HasCuda => Context.GetCudaDevices().Count > 0;

    /// <summary>An accelerator on CUDA device <paramref name="index"/>.</summary>
    public static Accelerator CreateCuda(int index = 0)
    {
        var devices = Context.GetCudaDevices();
        if (index < 0 || index >= devices.Count)
            throw new InvalidOperationException(devices.Count == 0 ? "ILGPU found no CUDA device" : $"there is no CUDA device {index} (found {devices.Count})");
        return devices[index].CreateAccelerator(Context);
    }

    /// <summary>The CPU accelerator.</summary>
    public static Accelerator CreateCpu() => Context.GetCPUDevice(0).CreateAccelerator(Context);

    /// <summary>"cuda" (device 0) or "cpu".</summary>
    public static Accelerator Create(string kind) => kind switch
    {
        "cuda" => CreateCuda(),
        "cpu" => CreateCpu(),
        _ => throw new ArgumentException($"unknown accelerator kind '{kind}' (cuda or cpu)", nameof(kind)),
    };
}
