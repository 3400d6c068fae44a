using System.CommandLine;
using System.Globalization;
using NeuralFields.Backends;
using NeuralFields.Core.Runtime;
using NeuralFields.Kernels.Runtime;
using static TorchSharp.torch;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf devices`: the compute backends this machine offers and what `--accelerator auto` picks.</summary>
internal static class DevicesCommand
{
    public static Command Create()
    {
        var command = new Command("devices", "List the ILGPU devices (CUDA GPUs, the CPU accelerator) and the TorchSharp CPU backend, and what --accelerator auto uses");
        command.SetAction(_ => CommandRunner.Run(() =>
        {
            Console.WriteLine("ILGPU CUDA devices:");
            IReadOnlyList<ComputeDevice> cuda;
            try
            {
                cuda = ComputeDevices.CudaDevices();
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
            {
                cuda = [];
                Console.WriteLine($"  (CUDA could not be queried: {e.Message})");
            }
            if (cuda.Count == 0) Console.WriteLine("  none found (no NVIDIA GPU or driver visible to ILGPU)");
            foreach (var d in cuda)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  cuda:{d.Index}  {d.Name}, {d.MemoryBytes / (double)(1L << 30):F1} GiB, {d.Details}"));
            Console.WriteLine("ILGPU CPU accelerator:");
            foreach (var d in ComputeDevices.CpuDevices())
                Console.WriteLine($"  cpu:{d.Index}  {d.Name}, {d.Details} (an emulator: for checking kernels, never chosen by auto)");
            Torch.EnsureLoaded();
            Console.WriteLine("TorchSharp:");
            Console.WriteLine($"  CPU, {get_num_threads()} threads; CUDA build: {(cuda_is_available() ? "yes" : "no")}");
            Console.WriteLine(cuda.Count > 0
                ? $"--accelerator auto renders with: ILGPU CUDA on {cuda[0].Name} (fused kernel; models without one use TorchSharp)"
                : "--accelerator auto renders with: TorchSharp on the CPU");
            return 0;
        }));
        return command;
    }

    private static bool cuda_is_available()
    {
        try
        {
            return cuda.is_available();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
