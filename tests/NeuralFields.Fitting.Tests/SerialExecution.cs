// TorchSharp's random generator is one per process: classes that seed and build models must not interleave.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
