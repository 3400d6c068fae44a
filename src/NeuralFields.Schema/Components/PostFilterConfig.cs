namespace NeuralFields.Schema.Components;

/// <summary>
/// A decoder-side loop filter (in the spirit of VVC's adaptive loop filter): after the network has rendered every
/// sample of an image, each channel gets a correction from a point-symmetric window of radius <see cref="Radius"/>
/// over every channel, in difference form, plus a bias: out_c(p) = v_c(p) + b_c + Σ_k Σ_c' w[c, k·C + c']·(v_c'(p + d_k)
/// + v_c'(p − d_k) − 2·v_c'(p)), d_k the window's offsets on one side of the centre (docs/format.md §9.6). The codec
/// fits it by least squares after training, so it is a codec setting, not a part the trainer sees; in a preset it is the
/// largest filter the codec may fit, in a file the one it did. Signals other than images have none.
/// </summary>
public sealed record PostFilterConfig
{
    public const int MaxRadius = 3;

    public int Radius { get; init; } = 2;

    /// <summary>Whether a signal can have a post filter: images (2 axes) only; clips and volumes ignore one.</summary>
    public static bool AppliesTo(SignalInfo signal) => signal.Dimensions.Length == 2;

    /// <summary>The offsets (dy, dx) after the centre in raster order: dy = 0 with dx = 1..r, then for dy = 1..r every dx = −r..r.</summary>
    public IReadOnlyList<(int Dy, int Dx)> Offsets()
    {
        var offsets = new List<(int, int)>();
        for (int dy = 0; dy <= Radius; dy++)
            for (int dx = -Radius; dx <= Radius; dx++)
                if (dy > 0 || dx > 0) offsets.Add((dy, dx));
        return offsets;
    }

    /// <summary>Taps per output channel: one per offset and input channel.</summary>
    public int Taps(int channels) => Offsets().Count * channels;

    /// <summary>"filter.weight" [channels, taps] and "filter.bias" [channels].</summary>
    public IReadOnlyList<TensorSpec> Tensors(int channels) => LinearLayer.Tensors(FieldLayout.FilterPrefix, Taps(channels), channels);

    public void Validate(string path)
    {
        if (Radius is < 1 or > MaxRadius)
            throw new ConfigException($"{path}.radius must be between 1 and {MaxRadius}, not {Radius}");
    }
}
