using System.CommandLine;
using NeuralFields.Core.Models;
using NeuralFields.Fitting.Planning;
using NeuralFields.Schema;
using NeuralFields.Schema.Serialization;
using NeuralFields.Signals.Image;

namespace NeuralFields.Cli.Commands;

/// <summary>Options shared by the commands that fit a model.</summary>
internal static class CommonOptions
{
    public const string DefaultPreset = "siren";

    /// <param name="defaultText">What is used without --preset or --config, when it is not <see cref="DefaultPreset"/>.</param>
    public static Option<string?> Preset(string defaultText = DefaultPreset) => new("--preset", "-p")
    {
        Description = $"Built-in model and training preset ({string.Join(", ", Presets.Names)}) [default: {defaultText}]",
    };

    public static Option<FileInfo?> Config() => new("--config", "-c")
    {
        Description = "JSON config file (see `nf presets NAME` for the format); excludes --preset",
    };

    public static Option<int?> Steps() => new("--steps", "-n")
    {
        Description = "Training steps [default: the preset's training.steps]",
    };

    public static Option<long> Seed() => new("--seed", "-s")
    {
        Description = "Random seed for initialisation and batches",
        DefaultValueFactory = _ => 0,
    };

    public static Option<AlphaMode> Alpha() => new("--alpha")
    {
        Description = "Alpha channel: keep (fit it), drop, or white (composite over white)",
        DefaultValueFactory = _ => AlphaMode.Keep,
    };

    public static Option<long> MaxPixels() => new("--max-pixels")
    {
        Description = "Refuse images with more pixels than this",
        DefaultValueFactory = _ => ImageFile.DefaultMaxPixels,
    };

    /// <summary>The config chosen by --preset or --config, and a short name for reports.</summary>
    public static (FieldConfig Config, string Name) ResolveConfig(string? preset, FileInfo? configFile)
    {
        if (preset is not null && configFile is not null)
            throw new NeuralFieldsException("give either --preset or --config, not both");
        if (configFile is not null)
        {
            if (!configFile.Exists) throw new NeuralFieldsException($"config not found: {configFile.FullName}");
            return (ConfigJson.Load(configFile.FullName), Path.GetFileNameWithoutExtension(configFile.Name));
        }
        var name = preset ?? DefaultPreset;
        if (name == AutoConfig.Name)
            throw new NeuralFieldsException($"--preset {AutoConfig.Name} sizes a hash grid for an image or a clip; give another preset here (see `nf presets`)");
        return (Presets.Load(name), name);
    }

    /// <summary>As above, and <c>--preset auto</c> is nf fit's default hash grid sized for <paramref name="signal"/> where it applies (<see cref="AutoConfig.Sizes"/>).</summary>
    public static (FieldConfig Config, string Name) ResolveConfig(string? preset, FileInfo? configFile, SignalInfo signal, long memoryBudget) =>
        preset == AutoConfig.Name && configFile is null && AutoConfig.Sizes(signal) ? (AutoConfig.For(signal, memoryBudget), AutoConfig.Name) : ResolveConfig(preset, configFile);

    public static Option<double?> Memory() => new("--memory")
    {
        Description = $"Memory budget in GB: full batch only when the whole signal fits, random batches otherwise, and a model that cannot fit is refused before any work [default: {Core.Training.MemoryBudget.DefaultShare:P0} of the memory available]",
    };

    /// <summary>The budget in bytes: --memory GB, or the default share of what is available now.</summary>
    public static long MemoryBudget(double? gigabytes) =>
        gigabytes is double gb ? Core.Training.MemoryBudget.FromGigabytes(gb) : Core.Training.MemoryBudget.Default();

    public static void RequirePositive(int? value, string option)
    {
        if (value is <= 0) throw new NeuralFieldsException($"{option} must be positive, got {value}");
    }

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/>: System.CommandLine reads "NaN" and "Infinity" as doubles too.</summary>
    public static void RequireRange(double? value, string option, double min, double max)
    {
        if (value is double v && !(v >= min && v <= max))
        {
            string shown = double.IsInfinity(v) ? (v > 0 ? "Infinity" : "-Infinity") : v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            throw new NeuralFieldsException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{option} must be a number from {min} to {max}, got {shown}"));
        }
    }
}
