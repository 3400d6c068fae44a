namespace NeuralFields.Benchmarks;

/// <summary>The few options the benchmarks take: a command, an optional input file, presets and steps.</summary>
internal sealed record Arguments(string Command, string? Input, string[] Presets, int Steps)
{
    public static Arguments Parse(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "";
        string? input = null;
        string[] presets = [];
        int steps = 5;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--presets": presets = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--steps": steps = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                default: input = args[i]; break;
            }
        }
        return new Arguments(command, input, presets, steps);
    }

    public static int Usage()
    {
        Console.Error.WriteLine("usage: nf-bench training [IMAGE] [--presets a,b,...] [--steps N]\n       nf-bench hashgrid [IMAGE] [--steps N]\n       nf-bench kernels [RESULTS.json]");
        return 2;
    }
}
