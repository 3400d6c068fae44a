namespace NeuralFields.Benchmarks;

/// <summary>The few options the benchmarks take: a command, input files, presets, steps and crop sizes.</summary>
internal sealed record Arguments(string Command, IReadOnlyList<string> Inputs, string[] Presets, int? StepsGiven, int[] Crops, double? Seconds = null)
{
    /// <summary>The first input, for the benchmarks that take one.</summary>
    public string? Input => Inputs.Count > 0 ? Inputs[0] : null;

    public int Steps => StepsGiven ?? 5;

    /// <summary>Rate-distortion trade-offs for the latent-grid codec (nf-bench latent).</summary>
    public double[] Lambdas { get; init; } = [];

    /// <summary>Skip the installed peer codecs (nf-bench lossless-codec while tuning).</summary>
    public bool NoPeers { get; init; }

    /// <summary>Samples per plane the lossless predictors train on (nf-bench lossless-codec; default: the codec's).</summary>
    public int? TrainingSamples { get; init; }

    /// <summary>Folder a benchmark writes its plot and results into.</summary>
    public string Out { get; init; } = ".";

    public static Arguments Parse(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "";
        var inputs = new List<string>();
        string[] presets = [];
        int? steps = null;
        int[] crops = [];
        double? seconds = null;
        double[] lambdas = [];
        string output = ".";
        bool noPeers = false;
        int? samples = null;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--presets": presets = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--steps": steps = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--crop": crops = args[++i].Split(',').Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray(); break;
                case "--lambdas": lambdas = args[++i].Split(',').Select(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToArray(); break;
                case "--out": output = args[++i]; break;
                case "--no-peers": noPeers = true; break;
                case "--samples": samples = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: inputs.Add(args[i]); break;
            }
        }
        return new Arguments(command, inputs, presets, steps, crops, seconds) { Lambdas = lambdas, Out = output, NoPeers = noPeers, TrainingSamples = samples };
    }

    public static int Usage()
    {
        Console.Error.WriteLine("""
            usage: nf-bench training [IMAGE] [--presets a,b,...] [--steps N]
                   nf-bench hashgrid [IMAGE...] [--crop N] [--steps N]
                   nf-bench fused [IMAGE...] [--crop 256,0] [--steps N] [--seconds S]
                   nf-bench kernels [RESULTS.json]
                   nf-bench lossless IMAGE... [--crop 64,128] [--presets lossless] [--steps N]
                   nf-bench lossless-codec IMAGE|WAV... [--crop N] [--steps N] [--presets LxW+LxW,...] [--samples N] [--no-peers]
                   nf-bench lossless-bitplanes IMAGE... [--crop 64] [--steps 2000]
                   nf-bench codec IMAGE... [--crop 256] [--steps N]
                   nf-bench latent IMAGE... [--crop N] [--steps N] [--presets latent] [--lambdas 3e-3,1e-3,...] [--out DIR]
            """);
        return 2;
    }
}
