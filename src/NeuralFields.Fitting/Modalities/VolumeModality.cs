using NeuralFields.Codec.Decoder;
using NeuralFields.Schema;
using NeuralFields.Signals.Volume;

namespace NeuralFields.Fitting.Modalities;

/// <summary>
/// Raw volumes (.raw with a .json sidecar, see <see cref="RawVolume"/>). uint8 and uint16 grids are
/// stored as their own integers (lossless possible); float32 grids are modelled on a 16-bit grid between
/// their minimum and maximum (lossy only), which the file keeps as attributes with the sample type.
/// </summary>
public sealed class VolumeModality : IModality
{
    public const string TypeKey = SignalRules.VolumeTypeKey, MinimumKey = SignalRules.MinimumKey, MaximumKey = SignalRules.MaximumKey;

    public string Name => "volume";

    public IReadOnlyList<string> Extensions { get; } = [".raw"];

    public string OutputExtension => ".raw";

    public string DefaultPreset => "siren";

    public (FieldConfig Config, string Name) FitConfig(FitSource source, bool lossless, long memoryBudget) => Modality.Preset("siren");

    public FitSource Open(string path, LoadOptions options) => new Sources.VolumeSource(RawVolume.Load(path), Path.GetFullPath(path));

    public LoadedSignal Load(string path, LoadOptions options)
    {
        var volume = RawVolume.Load(path);
        var h = volume.Header;
        if (h.Width * (long)h.Height * h.Depth > options.MaxPoints)
            throw new NeuralFieldsException($"{path}: {h.Width}x{h.Height}x{h.Depth} is over the limit of {options.MaxPoints:N0} points");
        bool exact = h.Type != "float32";
        int bits = h.Type == "uint8" ? 8 : 16;
        int max = (1 << bits) - 1;
        var samples = new ushort[volume.Values.LongLength];
        for (long i = 0; i < samples.LongLength; i++)
            samples[i] = (ushort)Math.Round(volume.Values[i] * (double)max, MidpointRounding.ToEven);   // exact for integer types
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal) { [TypeKey] = h.Type };
        if (!exact)
        {
            attributes[MinimumKey] = AttributeNumbers.Format(volume.Minimum);
            attributes[MaximumKey] = AttributeNumbers.Format(volume.Maximum);
        }
        var info = new SignalInfo(Name, [h.Depth, h.Height, h.Width], h.Channels, bits);
        return new LoadedSignal(info, samples) { Attributes = attributes, Exact = exact, Description = $"a {h.Type} volume" };
    }

    public void Write(string path, DecodedSignal signal)
    {
        var info = signal.Info;
        if (info.Dimensions.Length != 3 || info.Channels is < 1 or > 4)
            throw new NeuralFieldsException($"this volume has {info.Dimensions.Length} axes and {info.Channels} channels; a raw volume has 3 axes and 1-4 channels");
        string type = signal.Attributes.TryGetValue(TypeKey, out var t) && t is "uint8" or "uint16" or "float32"
            ? t
            : throw new NeuralFieldsException($"the file's volume attribute {TypeKey} is missing or not uint8, uint16 or float32");
        float minimum = 0, maximum = 1;
        if (type == "float32")
        {
            if (!(AttributeNumbers.TryRead(signal.Attributes, MinimumKey, 1, out var low) && AttributeNumbers.TryRead(signal.Attributes, MaximumKey, 1, out var high)))
                throw new NeuralFieldsException("the file lacks the minimum and maximum a float32 volume needs");
            (minimum, maximum) = (low[0], high[0]);
        }
        var header = new RawVolumeHeader(info.Dimensions[2], info.Dimensions[1], info.Dimensions[0], type, info.Channels);
        float scale = 1f / info.MaxValue;
        var values = signal.Samples.Select(s => s * scale).ToArray();
        RawVolume.Save(path, new VolumeSignal(header, values, minimum, maximum), values);
    }
}
