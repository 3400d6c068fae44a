using System.Diagnostics;
using static TorchSharp.torch;

namespace NeuralFields.Benchmarks;

/// <summary>The machine's practical fp32 peak: the best of several 4096² torch.mm calls.</summary>
internal static class MatmulPeak
{
    public static double MeasureGflops(int size = 4096, int repeats = 5)
    {
        using var a = randn(size, size);
        using var b = randn(size, size);
        using (mm(a, b)) { }                                  // warm-up (thread pool, caches)
        double best = double.MaxValue;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            using (mm(a, b)) { }
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * size * size * size / best / 1e9;
    }
}
