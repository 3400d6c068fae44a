using NeuralFields.Benchmarks;

// nf-bench training [IMAGE] [--presets a,b] [--steps N]: training throughput of each preset against the machine's matmul peak.
var arguments = Arguments.Parse(args);
return arguments.Command switch
{
    "training" => TrainingBenchmark.Run(arguments),
    _ => Arguments.Usage(),
};
