using NeuralFields.Benchmarks;

// nf-bench training [IMAGE] [--presets a,b] [--steps N]: training throughput of each preset against the machine's matmul peak.
// nf-bench hashgrid [IMAGE]: hash-grid step time (native vs TorchSharp) and time to 30 dB against SIREN.
// nf-bench fused [IMAGE...] [--crop 256,0] [--seconds S]: the fused CPU step against TorchSharp and the plain grid; SIREN against the matmul peak; time to 30/40 dB.
// nf-bench kernels [RESULTS.json]: encoded coordinates/s and rendered pixels/s per backend (TorchSharp, C#, ILGPU CPU, CUDA).
// nf-bench lossless IMAGE... [--crop 64,128]: steps and seconds until a bit-plane model decodes every sample exactly.
// nf-bench codec IMAGE... [--crop 256]: rate-distortion of neural files against JPEG at matched bpp; lossless against PNG.
// nf-bench lossless-codec IMAGE|WAV... [--crop N] [--steps N]: predictive lossless files (format 4) against optipng, WebP, JPEG 2000, JPEG XL and flac.
// nf-bench lossless-bitplanes IMAGE... [--crop 64] [--steps 2000]: a bit-plane model's cost as a coder (cross-entropy of its bits + its weights) next to format 4.
// nf-bench latent IMAGE... [--crop N] [--lambdas ...]: the latent-grid codec against libjpeg, WebP, AVIF, JPEG XL and JPEG 2000 at the same sizes, BD-rates, RD plot.
// nf-bench peers IMAGE FILE.nf...: neural files already made against the classic encoders at each file's size.
// nf-bench latent-step IMAGE [--steps N]: a latent-grid training step's parts: the rate in C# against TorchSharp, the split step against TorchSharp's.
// nf-bench photos KODAK [--sizes WxH,...] [--times 60,300,900]: real photos with nf fit's defaults, PSNR after each time budget and peak memory.
if (args.Length > 0 && args[0] == "photos") return PhotoBenchmark.Run(args[1..]);
// nf-bench memory [--nf PATH]: the planning estimate against the peak resident memory of nf fit, config by config.
if (args.Length > 0 && args[0] == "memory") return MemoryBenchmark.Run(args[1..]);
var arguments = Arguments.Parse(args);
return arguments.Command switch
{
    "training" => TrainingBenchmark.Run(arguments),
    "hashgrid" => HashGridBenchmark.Run(arguments),
    "fused" => FusedBenchmark.Run(arguments),
    "kernels" => KernelBenchmark.Run(arguments),
    "lossless" => LosslessBenchmark.Run(arguments),
    "codec" => CodecBenchmark.Run(arguments),
    "latent" => LatentBenchmark.Run(arguments),
    "peers" => PeerBenchmark.Run(arguments),
    "latent-step" => LatentStepBenchmark.Run(arguments),
    "lossless-codec" => LosslessCodecBenchmark.Run(arguments),
    "lossless-bitplanes" => BitPlaneCostBenchmark.Run(arguments),
    _ => Arguments.Usage(),
};
