using TorchSharp;

namespace NeuralFields.Core.Runtime;

/// <summary>Process-wide TorchSharp set-up: load the natives once and make runs reproducible.</summary>
public static class Torch
{
    private static readonly Lazy<bool> Loaded = new(() =>
    {
        // Touching the torch class loads libtorch; fail here with a clear message rather than deep inside a layer.
        NativeMemory.TuneAllocator();
        OpenMpWaiting.PreferPassive();
        try
        {
            _ = torch.get_num_threads();
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or NotSupportedException or TypeInitializationException)
        {
            throw new Schema.NeuralFieldsException(
                "TorchSharp's native library could not be loaded (see README, 'How the build makes TorchSharp load'): " + e.Message, e);
        }
    });

    public static void EnsureLoaded() => _ = Loaded.Value;

    /// <summary>Seeds torch's global generator; same seed + config + machine gives the same weights.</summary>
    public static void Seed(long seed)
    {
        EnsureLoaded();
        torch.manual_seed(seed);
    }
}
