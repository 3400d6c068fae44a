using NeuralFields.Benchmarks;

// nf-bench training [IMAGE] [--presets a,b] [--steps N]: training throughput of each preset against the machine's matmul peak.
// nf-bench hashgrid [IMAGE]: hash-grid step time (native vs TorchSharp) and time to 30 dB against SIREN.
// nf-bench kernels [RESULTS.json]: encoded coordinates/s and rendered pixels/s per backend (TorchSharp, C#, ILGPU CPU, CUDA).
var arguments = Arguments.Parse(args);
return arguments.Command switch
{
    "training" => TrainingBenchmark.Run(arguments),
    "hashgrid" => HashGridBenchmark.Run(arguments),
    "kernels" => KernelBenchmark.Run(arguments),
    _ => Arguments.Usage(),
};
