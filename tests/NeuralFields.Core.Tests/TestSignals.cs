using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Core.Tests;

/// <summary>Small synthetic signals made in code (the tests never need ../shared/data).</summary>
internal static class TestSignals
{
    /// <summary>A smooth RGB image with a disc edge and a stripe pattern, values in [0,1], [H, W, 3].</summary>
    public static float[] Image(int size)
    {
        var v = new float[size * size * 3];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                double u = (x + 0.5) / size, w = (y + 0.5) / size;
                bool disc = (u - 0.6) * (u - 0.6) + (w - 0.4) * (w - 0.4) < 0.06;
                int i = (y * size + x) * 3;
                v[i] = (float)(0.2 + 0.6 * u);
                v[i + 1] = (float)(disc ? 0.9 : 0.2 + 0.3 * w);
                v[i + 2] = (float)(0.5 + 0.4 * Math.Sin(6 * Math.PI * u) * Math.Cos(4 * Math.PI * w));
            }
        return v;
    }

    public static (Tensor Coordinates, Tensor Targets, SignalInfo Info) ImageTensors(int size)
    {
        Torch.EnsureLoaded();
        var info = new SignalInfo("image", [size, size], 3, 8);
        return (tensor(SampleGrid.Coordinates(info.Dimensions)).reshape(-1, 2), tensor(Image(size)).reshape(-1, 3), info);
    }
}
