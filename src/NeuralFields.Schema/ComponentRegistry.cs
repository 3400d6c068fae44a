using NeuralFields.Schema.Components;

namespace NeuralFields.Schema;

/// <summary>
/// One registered component: its kind, the "type" name used in JSON, its config class, an example config
/// (what the registry-driven tests build), and per backend other than TorchSharp (which every component
/// has) either nothing (it is implemented there) or the reason it is not.
/// </summary>
public sealed record ComponentType(string Kind, string Name, Type ConfigType, string Summary, Func<ComponentConfig> Example)
{
    public IReadOnlyDictionary<Backend, string?> Backends { get; init; } = new Dictionary<Backend, string?>();

    public bool Implements(Backend backend) => backend == Backend.Torch || (Backends.TryGetValue(backend, out var reason) && reason is null);

    /// <summary>Why <paramref name="backend"/> does not compute this component; null when it does.</summary>
    public string? Missing(Backend backend) => Implements(backend) ? null
        : Backends.TryGetValue(backend, out var reason) ? reason : $"no {backend} implementation is registered";

    /// <summary>"kind 'name'", as messages name a component.</summary>
    public override string ToString() => $"{Kind} '{Name}'";
}

/// <summary>
/// Every component type by name, like tiny-cuda-nn's "otype". JSON reading and writing, the module
/// builders in NeuralFields.Core and the tests all go through this one list.
/// </summary>
public static class ComponentRegistry
{
    private static readonly List<ComponentType> Entries = [];
    private static readonly Dictionary<Type, string> KindOfBase = new()
    {
        [typeof(EncodingConfig)] = "encoding",
        [typeof(ActivationConfig)] = "activation",
        [typeof(NetworkConfig)] = "network",
        [typeof(HeadConfig)] = "head",
        [typeof(ScheduleConfig)] = "schedule",
        [typeof(EntropyModelConfig)] = "entropy",
    };

    static ComponentRegistry()
    {
        const string NoKernelState = "the kernels take encodings without trained state, and the hash grid";
        const string NotInFiles = "neural files do not store it yet";
        const string PlainHeads = "the fused kernel renders plain heads (linear, sigmoid)";
        const string MlpOnly = "the fused kernel and the decoder evaluate plain MLPs";
        const string StepEncodings = "the fused training step encodes with hash grids or raw coordinates";
        const string StepMlp = "the fused training step trains plain MLPs";
        const string StepActivations = "the fused training step has ReLU and sine layers";
        const string StepHeads = "the fused training step queries each sample once";
        var stepEncoding = Without(Backend.FusedStep, StepEncodings);

        Add<EncodingConfig, IdentityEncodingConfig>("none", "raw coordinates", () => new IdentityEncodingConfig(), Kernels, Decoder, FusedStep);
        Add<EncodingConfig, PositionalEncodingConfig>("positional", "NeRF positional encoding", () => new PositionalEncodingConfig { Octaves = 6 }, Kernels, Decoder, stepEncoding);
        Add<EncodingConfig, GaussianFourierConfig>("rff", "Gaussian random Fourier features", () => new GaussianFourierConfig { Features = 64, Sigma = 10 }, Kernels, Decoder, stepEncoding);
        Add<EncodingConfig, ShiftedGaussianConfig>("shifted_gaussian", "shifted Gaussian basis", () => new ShiftedGaussianConfig { Centers = 32, Sigma = 0.05 },
            Kernels, Without(Backend.Decoder, NotInFiles), stepEncoding);
        Add<EncodingConfig, ShiftedTriangleConfig>("shifted_triangle", "shifted triangle (linear interpolation) basis", () => new ShiftedTriangleConfig { Centers = 32, Directions = ShiftDirections.Four },
            Kernels, Without(Backend.Decoder, NotInFiles), stepEncoding);
        Add<EncodingConfig, LearnableFourierConfig>("learnable_fourier", "learnable Fourier features", () => new LearnableFourierConfig { Features = 32, Gamma = 0.1, MlpHidden = 16, Output = 24 },
            Without(Backend.Kernels, NoKernelState), Without(Backend.Decoder, NotInFiles), stepEncoding);
        Add<EncodingConfig, QuantizedEncodingConfig>("quantized", "coordinates snapped to lattice cell centres", () => new QuantizedEncodingConfig { Resolution = [64], Inner = new PositionalEncodingConfig { Octaves = 4 } },
            Kernels, Without(Backend.Decoder, NotInFiles), stepEncoding);
        Add<EncodingConfig, HashGridConfig>("hashgrid", "multiresolution hash encoding (instant-ngp)", () => new HashGridConfig { NLevels = 4, Log2HashmapSize = 8, BaseResolution = 4 }, Kernels, Decoder, FusedStep);

        Add<EncodingConfig, LatentGridConfig>("latent_grid", "multi-resolution latent grids with an entropy model (Cool-chic)", () => new LatentGridConfig { Resolution = [7, 6], Levels = 3, Entropy = new ArmConfig { Context = 4, Width = 4, HiddenLayers = 1 } },
            Without(Backend.Kernels, NoKernelState), Decoder, stepEncoding);

        Add<ActivationConfig, ReluActivationConfig>("relu", "ReLU", () => new ReluActivationConfig(), Kernels, Decoder, FusedStep);
        Add<ActivationConfig, SineActivationConfig>("sine", "SIREN sine with SIREN initialisation", () => new SineActivationConfig(), Kernels, Decoder, FusedStep);
        Add<ActivationConfig, SpderActivationConfig>("spder", "SPDER damped sine with SIREN initialisation", () => new SpderActivationConfig(), Kernels, Without(Backend.Decoder, NotInFiles), Without(Backend.FusedStep, StepActivations));

        Add<NetworkConfig, MlpConfig>("mlp", "multilayer perceptron", () => new MlpConfig { HiddenLayers = 2, Width = 32, Activation = new ReluActivationConfig() }, Kernels, Decoder, FusedStep);
        Add<NetworkConfig, ProgressiveConfig>("progressive", "PINs progressive levels with residual heads", () => new ProgressiveConfig { Levels = 3, Octaves = 6, Width = 16, Activation = new ReluActivationConfig() },
            Without(Backend.Kernels, MlpOnly), Without(Backend.Decoder, MlpOnly), Without(Backend.FusedStep, StepMlp));
        Add<NetworkConfig, PolyConfig>("poly", "Poly-INR multiplicative levels", () => new PolyConfig { Levels = 3, Width = 32 }, Without(Backend.Kernels, MlpOnly), Without(Backend.Decoder, MlpOnly), Without(Backend.FusedStep, StepMlp));

        Add<HeadConfig, LinearHeadConfig>("linear", "linear output", () => new LinearHeadConfig(), Kernels, Decoder, FusedStep);
        Add<HeadConfig, SigmoidHeadConfig>("sigmoid", "sigmoid output", () => new SigmoidHeadConfig(), Kernels, Decoder, FusedStep);
        Add<HeadConfig, BitPlaneHeadConfig>("bitplane", "bit planes, one logit per bit per channel (lossless)", () => new BitPlaneHeadConfig(), Without(Backend.Kernels, PlainHeads), Decoder, FusedStep);
        Add<HeadConfig, BitPlaneCoordinateHeadConfig>("bitplane_coordinate", "bit planes with the bit index as an input coordinate (lossless)", () => new BitPlaneCoordinateHeadConfig(),
            Without(Backend.Kernels, PlainHeads), Decoder, Without(Backend.FusedStep, StepHeads));

        Add<EntropyModelConfig, ArmConfig>("arm", "auto-regressive Laplace model over causal neighbours (fixed point in the decoder)", () => new ArmConfig(), Decoder);

        Add<ScheduleConfig, ConstantScheduleConfig>("constant", "constant learning rate", () => new ConstantScheduleConfig());
        Add<ScheduleConfig, StepScheduleConfig>("step", "step decay", () => new StepScheduleConfig { Every = 100 });
        Add<ScheduleConfig, CosineScheduleConfig>("cosine", "cosine decay with warm-up", () => new CosineScheduleConfig());
    }

    // A backend named alone implements the component; Without gives the reason it does not.
    private static readonly (Backend, string?) Kernels = (Backend.Kernels, null), Decoder = (Backend.Decoder, null), FusedStep = (Backend.FusedStep, null);

    private static (Backend, string?) Without(Backend backend, string reason) => (backend, reason);

    public static IReadOnlyList<ComponentType> All => Entries;

    public static IEnumerable<ComponentType> OfKind(string kind) => Entries.Where(e => e.Kind == kind);

    public static string KindOf(Type baseType) =>
        KindOfBase.TryGetValue(baseType, out var kind) ? kind : throw new ArgumentException($"{baseType.Name} is not a component base type");

    public static bool IsComponentBase(Type type) => KindOfBase.ContainsKey(type);

    public static ComponentType Find(string kind, string name) =>
        Entries.FirstOrDefault(e => e.Kind == kind && e.Name == name)
        ?? throw new ConfigException($"unknown {kind} type '{name}' (known: {string.Join(", ", OfKind(kind).Select(e => e.Name))})");

    public static ComponentType Describe(ComponentConfig config) =>
        Entries.FirstOrDefault(e => e.ConfigType == config.GetType())
        ?? throw new ArgumentException($"{config.GetType().Name} is not registered");

    /// <summary>
    /// The components of <paramref name="config"/> (walking nested ones: an inner encoding, an activation)
    /// that <paramref name="backend"/> does not compute, in config order.
    /// </summary>
    public static IReadOnlyList<ComponentType> Unsupported(FieldConfig config, Backend backend) =>
        new ComponentConfig[] { config.Encoding, config.Network, config.Head }
            .SelectMany(Walk)
            .Select(Describe)
            .Where(type => !type.Implements(backend))
            .ToList();

    /// <summary>True when <paramref name="backend"/> computes every component of <paramref name="config"/>; otherwise <paramref name="reason"/> names what it lacks and why.</summary>
    public static bool Supports(FieldConfig config, Backend backend, out string reason)
    {
        var missing = Unsupported(config, backend);
        reason = missing.Count == 0 ? ""
            : $"the {BackendName(backend)} cannot compute {string.Join(", ", missing.Select(t => $"{t} ({t.Missing(backend)})"))}";
        return missing.Count == 0;
    }

    public static string BackendName(Backend backend) => backend switch
    {
        Backend.Torch => "TorchSharp backend",
        Backend.Kernels => "fused ILGPU kernel",
        Backend.Decoder => "neural-file decoder",
        Backend.FusedStep => "fused CPU training step",
        _ => backend.ToString(),
    };

    private static IEnumerable<ComponentConfig> Walk(ComponentConfig component) => component.Children().SelectMany(Walk).Prepend(component);

    private static void Add<TBase, TConfig>(string name, string summary, Func<TConfig> example, params (Backend Backend, string? Reason)[] backends)
        where TBase : ComponentConfig where TConfig : TBase =>
        Entries.Add(new ComponentType(KindOf(typeof(TBase)), name, typeof(TConfig), summary, () => example())
        {
            Backends = backends.ToDictionary(b => b.Backend, b => b.Reason),
        });
}
