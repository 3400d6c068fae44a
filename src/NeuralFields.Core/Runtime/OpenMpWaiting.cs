using System.Runtime.InteropServices;

namespace NeuralFields.Core.Runtime;

/// <summary>
/// Makes libtorch's OpenMP threads sleep, not spin, while they wait for each other. By default a waiting thread
/// spins for a long while; when anything else runs on the machine (a build, a second fit) the thread it waits for
/// is descheduled and the spinning eats the time it needs. Measured on 2 cores next to one busy process, a
/// 256x256 latent-grid encode of 60 steps: 44 s spinning, 9 s passive, same bits. Set before libtorch loads
/// (libgomp reads its environment once); a user's own OMP_WAIT_POLICY wins.
/// </summary>
internal static partial class OpenMpWaiting
{
    private const string Variable = "OMP_WAIT_POLICY";

    public static void PreferPassive()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(Variable) is not null) return;
        try
        {
            // .NET's SetEnvironmentVariable does not reach the C environment that libgomp reads: set it there.
            _ = setenv(Variable, "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the default policy stays.
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
