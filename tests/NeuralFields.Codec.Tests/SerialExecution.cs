// TorchSharp's random generator is one per process: a test class drawing weights while another
// seeds and builds its model would change that model, and the determinism tests would fail at
// random. The classes of this assembly therefore run one after another.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
