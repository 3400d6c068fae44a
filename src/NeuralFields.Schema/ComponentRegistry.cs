using NeuralFields.Schema.Components;

namespace NeuralFields.Schema;

/// <summary>One registered component: its kind, the "type" name used in JSON, and its config class.</summary>
public sealed record ComponentType(string Kind, string Name, Type ConfigType, string Summary, Func<ComponentConfig> Example);

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
    };

    static ComponentRegistry()
    {
        Add<EncodingConfig, IdentityEncodingConfig>("none", "raw coordinates", () => new IdentityEncodingConfig());
        Add<EncodingConfig, PositionalEncodingConfig>("positional", "NeRF positional encoding", () => new PositionalEncodingConfig { Octaves = 6 });
        Add<EncodingConfig, GaussianFourierConfig>("rff", "Gaussian random Fourier features", () => new GaussianFourierConfig { Features = 64, Sigma = 10 });
        Add<EncodingConfig, ShiftedGaussianConfig>("shifted_gaussian", "shifted Gaussian basis", () => new ShiftedGaussianConfig { Centers = 32, Sigma = 0.05 });
        Add<EncodingConfig, ShiftedTriangleConfig>("shifted_triangle", "shifted triangle (linear interpolation) basis", () => new ShiftedTriangleConfig { Centers = 32, Directions = ShiftDirections.Four });
        Add<EncodingConfig, LearnableFourierConfig>("learnable_fourier", "learnable Fourier features", () => new LearnableFourierConfig { Features = 32, Gamma = 0.1, MlpHidden = 16, Output = 24 });
        Add<EncodingConfig, QuantizedEncodingConfig>("quantized", "coordinates snapped to lattice cell centres", () => new QuantizedEncodingConfig { Resolution = [64], Inner = new PositionalEncodingConfig { Octaves = 4 } });
        Add<EncodingConfig, HashGridConfig>("hashgrid", "multiresolution hash encoding (instant-ngp)", () => new HashGridConfig { NLevels = 4, Log2HashmapSize = 8, BaseResolution = 4 });

        Add<ActivationConfig, ReluActivationConfig>("relu", "ReLU", () => new ReluActivationConfig());
        Add<ActivationConfig, SineActivationConfig>("sine", "SIREN sine with SIREN initialisation", () => new SineActivationConfig());
        Add<ActivationConfig, SpderActivationConfig>("spder", "SPDER damped sine with SIREN initialisation", () => new SpderActivationConfig());

        Add<NetworkConfig, MlpConfig>("mlp", "multilayer perceptron", () => new MlpConfig { HiddenLayers = 2, Width = 32, Activation = new ReluActivationConfig() });
        Add<NetworkConfig, ProgressiveConfig>("progressive", "PINs progressive levels with residual heads", () => new ProgressiveConfig { Levels = 3, Octaves = 6, Width = 16, Activation = new ReluActivationConfig() });
        Add<NetworkConfig, PolyConfig>("poly", "Poly-INR multiplicative levels", () => new PolyConfig { Levels = 3, Width = 32 });

        Add<HeadConfig, LinearHeadConfig>("linear", "linear output", () => new LinearHeadConfig());
        Add<HeadConfig, SigmoidHeadConfig>("sigmoid", "sigmoid output", () => new SigmoidHeadConfig());
        Add<HeadConfig, BitPlaneHeadConfig>("bitplane", "bit planes, one logit per bit per channel (lossless)", () => new BitPlaneHeadConfig());
        Add<HeadConfig, BitPlaneCoordinateHeadConfig>("bitplane_coordinate", "bit planes with the bit index as an input coordinate (lossless)", () => new BitPlaneCoordinateHeadConfig());

        Add<ScheduleConfig, ConstantScheduleConfig>("constant", "constant learning rate", () => new ConstantScheduleConfig());
        Add<ScheduleConfig, StepScheduleConfig>("step", "step decay", () => new StepScheduleConfig { Every = 100 });
        Add<ScheduleConfig, CosineScheduleConfig>("cosine", "cosine decay with warm-up", () => new CosineScheduleConfig());
    }

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

    private static void Add<TBase, TConfig>(string name, string summary, Func<TConfig> example)
        where TBase : ComponentConfig where TConfig : TBase =>
        Entries.Add(new ComponentType(KindOf(typeof(TBase)), name, typeof(TConfig), summary, () => example()));
}
