namespace NeuralFields.Schema.Components;

/// <summary>
/// The fixed matrix 2π B of random Fourier features, B ~ N(0, σ²) drawn row-major [features, dims]
/// from <see cref="PortableRandom"/>: a function of the config alone, shared by the TorchSharp
/// encoding and the portable neural-file decoder so both build the same bits.
/// </summary>
public static class GaussianFourierMatrix
{
    public static float[] Build(GaussianFourierConfig config, int inputDims)
    {
        var random = new PortableRandom(config.Seed);
        var values = new float[config.Features * inputDims];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(2 * Math.PI * config.Sigma * random.NextGaussian());
        return values;
    }
}
