using System.CommandLine;
using System.Globalization;
using NeuralFields.Core.Encodings;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;

namespace NeuralFields.Cli.Commands;

/// <summary>
/// `nf analyze-encoding`: stable rank and distance preservation of a config's encoding on a regular grid
/// (Zheng et al., "Rethinking positional encoding"). Learnable encodings are measured at their seeded initialisation.
/// </summary>
internal static class AnalyzeEncodingCommand
{
    /// <summary>Rows × features of the embedded matrix handed to the SVD.</summary>
    private const long MaxEntries = 1L << 27;

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var preset = CommonOptions.Preset();
        preset.Description = "Built-in preset whose encoding to analyse (`nf presets` lists them); excludes --config";
        var size = new Option<int>("--size", "-N")
        {
            Description = "Grid samples per axis (a 2-D encoding is measured on N x N points)",
            DefaultValueFactory = _ => 256,
        };
        var dims = new Option<int>("--dims")
        {
            Description = "Coordinate dimensions: 1 (the paper's 1-D analysis), 2 (images) or 3",
            DefaultValueFactory = _ => 2,
        };
        var seed = CommonOptions.Seed();
        var command = new Command("analyze-encoding",
            "Print the stable rank and distance preservation of a config's encoding on an N-point grid")
        {
            config, preset, size, dims, seed,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var configFile = parse.GetValue(config);
            var presetName = parse.GetValue(preset);
            if (configFile is null && presetName is null)
                throw new NeuralFieldsException("give --config FILE or --preset NAME");
            var (fieldConfig, name) = CommonOptions.ResolveConfig(presetName, configFile);
            int n = parse.GetValue(size), d = parse.GetValue(dims);
            if (d is < 1 or > 3) throw new NeuralFieldsException($"--dims must be 1, 2 or 3, got {d}");
            if (n is < 2 or > 65536) throw new NeuralFieldsException($"--size must be between 2 and 65536, got {n}");
            double samples = Math.Pow(n, d);

            Torch.Seed(parse.GetValue(seed));
            var encoding = ComponentBuilders.BuildEncoding(fieldConfig.Encoding, d);
            if (samples * encoding.OutputDims > MaxEntries)
                throw new NeuralFieldsException(
                    $"{n}^{d} samples x {encoding.OutputDims} features is too large to decompose; use a smaller --size");
            var stats = EncodingAnalysis.Analyze(encoding, n);

            var grid = string.Join("x", Enumerable.Repeat(n, d));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                {name}: encoding "{Schema.ComponentRegistry.Describe(fieldConfig.Encoding).Name}", {d}-D grid {grid} ({stats.Samples:N0} samples), {stats.Features} features
                stable rank (sum s^2 / s1^2)  {stats.StableRank,12:F3}
                stable rank L1 (sum s / s1)   {stats.StableRankL1,12:F3}
                distance preservation         {stats.DistancePreservation,12:F5}  (fraction of samples correlated > {EncodingAnalysis.CorrelationThreshold} with the middle one, to the power 1/{d}, halved)
                """));
            return 0;
        }));
        return command;
    }
}
