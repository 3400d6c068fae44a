using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Codec.Tests;

/// <summary>Tiny signals and models made in code; the tests never need ../shared/data.</summary>
internal static class CodecSignals
{
    /// <summary>A smooth pattern with an edge, integer samples at the given depth, [H, W, C].</summary>
    public static (SignalInfo Info, ushort[] Samples) Image(int width, int height, int channels, int bits)
    {
        Torch.EnsureLoaded();
        int max = (1 << bits) - 1;
        var samples = new ushort[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                {
                    double u = (x + 0.5) / width, v = (y + 0.5) / height;
                    double value = 0.5 + 0.3 * Math.Sin(5 * u + 3 * v + c) + (u + v > 1 ? 0.15 : -0.15);
                    samples[(y * width + x) * channels + c] = (ushort)Math.Round(Math.Clamp(value, 0, 1) * max);
                }
        return (new SignalInfo("image", [height, width], channels, bits), samples);
    }

    public static FieldConfig Siren(int hidden = 2, int width = 16, HeadConfig? head = null, EncodingConfig? encoding = null,
        ActivationConfig? activation = null, double learningRate = 1e-3) => new()
    {
        Encoding = encoding ?? new IdentityEncodingConfig(),
        Network = new MlpConfig { HiddenLayers = hidden, Width = width, Activation = activation ?? new SineActivationConfig() },
        Head = head ?? new LinearHeadConfig(),
        Training = new TrainingConfig { LearningRate = learningRate, Steps = 40 },
    };
}
