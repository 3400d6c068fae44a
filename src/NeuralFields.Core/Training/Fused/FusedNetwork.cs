using System.Runtime.Intrinsics;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;
using TorchSharp.Modules;
using NativeMemory = System.Runtime.InteropServices.NativeMemory;

namespace NeuralFields.Core.Training.Fused;

/// <summary>Which register width the fused kernels use: the widest the CPU runs natively, or one forced (tests compare them).</summary>
public enum FusedLanes
{
    Auto,
    Vector512,
    Vector256,
    Scalar,
}

/// <summary>
/// A <see cref="FieldModel"/> (hash grid or raw coordinates → MLP → plain or bit-plane head) as the fused step computes
/// it: the batch in tiles of a few hundred samples, each tile through the encoding, every layer and the loss and
/// back while its activations are in cache, weight gradients summed per chunk of tiles and the chunks added in a
/// fixed order (the same bits run after run), the encoding's gradient scattered level by level at the end. Weights
/// are read from the model's own parameters at every pass, so checkpoints, export and rendering see one model.
/// </summary>
public sealed unsafe class FusedNetwork : IDisposable
{
    /// <summary>Every matrix row is padded to this many floats (a multiple of every register width).</summary>
    internal const int Pad = 16;

    private readonly FusedEncoding _encoding;
    private readonly FusedHead _head;
    private readonly Layer[] _layers;
    private readonly int _rawOutputs, _channels, _tileRows;
    private readonly FusedLanes _lanes;
    private readonly List<Workspace> _workspaces = [];
    private float* _featureGradients;
    private long _featureGradientRows;

    /// <summary>Config types the fused step computes, for the registry's test.</summary>
    public static IReadOnlyCollection<Type> ImplementedTypes { get; } =
        [.. FusedEncoding.ImplementedTypes, .. FusedActivation.ImplementedTypes, .. FusedHead.ImplementedTypes, typeof(MlpConfig)];

    /// <summary>True when the fused step computes every component of <paramref name="config"/>; otherwise <paramref name="reason"/> says what it lacks.</summary>
    public static bool Supports(FieldConfig config, out string reason) => ComponentRegistry.Supports(config, Backend.FusedStep, out reason);

    /// <summary>True when the fused step computes the network and head of <paramref name="config"/> (its encoding left to TorchSharp).</summary>
    public static bool SupportsNetwork(FieldConfig config, out string reason) =>
        ComponentRegistry.Supports(config with { Encoding = new IdentityEncodingConfig() }, Backend.FusedStep, out reason);

    public FusedNetwork(FieldModel model, FusedLanes lanes = FusedLanes.Auto) : this(model, null, lanes)
    {
    }

    /// <summary>The width <paramref name="lanes"/> asks for; Auto: the widest the machine accelerates.</summary>
    internal static FusedLanes Resolve(FusedLanes lanes) => lanes == FusedLanes.Auto
        ? Vector512.IsHardwareAccelerated ? FusedLanes.Vector512 : Vector256.IsHardwareAccelerated ? FusedLanes.Vector256 : FusedLanes.Scalar
        : lanes;

    /// <param name="encoding">The features' source; null: the fused step's own implementation of the model's encoding.</param>
    internal FusedNetwork(FieldModel model, FusedEncoding? encoding, FusedLanes lanes)
    {
        string reason;
        if (encoding is null ? !Supports(model.Config, out reason) : !SupportsNetwork(model.Config, out reason)) throw new ConfigException(reason);
        if (model.Head.QueriesPerSample != 1) throw new ConfigException("the fused training step queries each sample once");
        _lanes = Resolve(lanes);
        _encoding = encoding ?? FusedEncoding.For(model.Config.Encoding, model.Encoding);
        _head = FusedHead.For(model.Config.Head, model.Signal.Channels, model.Signal.BitDepth);
        _rawOutputs = model.Head.RawOutputs;
        _channels = model.Signal.Channels;
        var mlp = (MlpConfig)model.Config.Network;
        var activation = FusedActivation.For(mlp.Activation);
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _layers = new Layer[mlp.HiddenLayers + 1];
        for (int l = 0; l <= mlp.HiddenLayers; l++)
        {
            bool output = l == mlp.HiddenLayers;
            string name = FieldLayout.Network(MlpConfig.Layer(l));
            _layers[l] = new Layer(parameters[name + ".weight"], parameters[name + ".bias"],
                output ? LayerActivation.None : activation.Kind, output ? 1f : activation.Omega(l));
        }
        if (_layers[0].Inputs != _encoding.Width || _layers[^1].Outputs != _rawOutputs)
            throw new InvalidOperationException("the model's layers do not match its encoding and head");
        int widest = _layers.Max(l => Math.Max(l.InputsPadded, l.OutputsPadded));
        // A tile's widest activations take about 64 kB: each layer's input and output stay in L2 through the tile.
        const int multiple = TileKernels<LanesScalar, float>.RowMultiple;
        _tileRows = Math.Clamp(16384 / widest / multiple * multiple, 2 * multiple, 21 * multiple);
        Parameters = [.. (_encoding.Trained is { } table ? new[] { table } : []), .. _layers.SelectMany(l => new[] { l.Weight, l.Bias })];
    }

    /// <summary>The register width in use.</summary>
    public FusedLanes Lanes => _lanes;

    /// <summary>Samples per tile.</summary>
    public int TileRows => _tileRows;

    /// <summary>The trained parameters, each with a gradient from <see cref="Run"/>.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// One pass over <paramref name="n"/> samples (coordinates [n, dims], targets [n, channels]): the summed loss
    /// terms divided by the number of terms (the head's mean loss), raw outputs [n, raw] into
    /// <paramref name="outputs"/> when given and, with <paramref name="gradients"/> (one buffer per
    /// <see cref="Parameters"/> entry, its shape), every parameter's gradient. Without targets only the outputs are computed.
    /// </summary>
    public double Run(float* coordinates, float* targets, long n, float* outputs, IReadOnlyList<nint>? gradients)
    {
        bool backward = gradients is not null && targets is not null;
        foreach (var layer in _layers) layer.Refresh();
        long tiles = (n + _tileRows - 1) / _tileRows;
        // Chunks of consecutive tiles, each summing its own gradients; how many depends on the machine only, not on timing.
        int chunks = (int)Math.Min(tiles, 4L * Environment.ProcessorCount);
        while (_workspaces.Count < chunks) _workspaces.Add(new Workspace(_layers, _encoding.Width, _tileRows));
        if (backward && _encoding.Trained is not null) EnsureFeatureGradients(n);
        float scale = 1f / (float)(n * _head.TermsPerSample);
        var losses = new double[chunks];
        Parallel.For(0, chunks, c =>
        {
            var workspace = _workspaces[c];
            if (backward) workspace.ClearGradients();
            long first = tiles * c / chunks, last = tiles * (c + 1) / chunks;
            double loss = 0;
            for (long t = first; t < last; t++)
            {
                long start = t * _tileRows;
                int rows = (int)Math.Min(_tileRows, n - start);
                loss += _lanes switch
                {
                    FusedLanes.Vector512 => Tile<Lanes512, Vector512<float>>(workspace, coordinates, targets, n, start, rows, outputs, backward, scale),
                    FusedLanes.Vector256 => Tile<Lanes256, Vector256<float>>(workspace, coordinates, targets, n, start, rows, outputs, backward, scale),
                    _ => Tile<LanesScalar, float>(workspace, coordinates, targets, n, start, rows, outputs, backward, scale),
                };
            }
            losses[c] = loss;
        });
        if (backward) Reduce(coordinates, n, chunks, gradients!);
        double total = 0;
        foreach (double loss in losses) total += loss;
        return total * scale;
    }

    /// <summary>One tile forward (and back): encoding, every layer, the head's loss and gradient, then the layers in reverse.</summary>
    private double Tile<TLanes, TVector>(Workspace w, float* coordinates, float* targets, long n, long start, int valid, float* outputs, bool backward, float scale)
        where TLanes : struct, ILanes<TVector> where TVector : unmanaged
    {
        int rows = _tileRows;
        _encoding.Encode(coordinates, start, valid, w.Input, w.InputStride);
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            float* input = l == 0 ? w.Input : w.Outputs[l - 1];
            if (layer.Activation == LayerActivation.None && layer.Outputs <= TileKernels<TLanes, TVector>.NarrowWidth)
            {
                TileKernels<TLanes, TVector>.NarrowOutputs(input, layer.InputsPadded, layer.Padded, layer.InputsPadded, layer.InputsPadded, layer.PaddedBias,
                    layer.Outputs, w.Outputs[l], layer.OutputsPadded, rows);
                continue;
            }
            // Depth runs over the real inputs only: the padding columns of the input hold nothing the weights use.
            TileKernels<TLanes, TVector>.Multiply(input, layer.InputsPadded, layer.Transposed, layer.OutputsPadded, layer.Inputs, rows, layer.OutputsPadded,
                new BiasActivation<TLanes, TVector>(layer.PaddedBias, w.Outputs[l], layer.OutputsPadded, w.Derivatives[l], layer.Activation, layer.Omega));
        }
        float* raw = w.Outputs[^1];
        int rawStride = _layers[^1].OutputsPadded;
        if (outputs is not null)
            for (int r = 0; r < valid; r++)
                new ReadOnlySpan<float>(raw + (long)r * rawStride, _rawOutputs).CopyTo(new Span<float>(outputs + (start + r) * _rawOutputs, _rawOutputs));
        if (targets is null) return 0;
        // The head turns the raw outputs into their gradients in place; rows past the batch get none.
        double loss = 0;
        long targetStride = _channels;
        for (int r = 0; r < valid; r++)
        {
            float* row = raw + (long)r * rawStride;
            loss += _head.Loss(row, targets + (start + r) * targetStride, w.HeadGradient, scale);
            new ReadOnlySpan<float>(w.HeadGradient, _rawOutputs).CopyTo(new Span<float>(row, _rawOutputs));
        }
        if (!backward) return loss;
        new Span<float>(raw + (long)valid * rawStride, (rows - valid) * rawStride).Clear();
        float* gradient = raw;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            var layer = _layers[l];
            float* input = l == 0 ? w.Input : w.Outputs[l - 1];
            // Padded outputs have no gradient: their weight rows are skipped (in blocks of 4; the rest of the padding stays zero).
            TileKernels<TLanes, TVector>.AccumulateWeights(gradient, layer.OutputsPadded, input, layer.InputsPadded, rows, (layer.Outputs + 3) / 4 * 4, layer.InputsPadded,
                w.WeightGradients[l], w.BiasGradients[l]);
            if (l == 0 && !_encoding.NeedsGradients) break;
            var previous = l == 0 ? LayerActivation.None : _layers[l - 1].Activation;
            float* next = l == 0 ? w.InputGradient : w.Gradients[l % 2];
            TileKernels<TLanes, TVector>.Multiply(gradient, layer.OutputsPadded, layer.Padded, layer.InputsPadded, layer.Outputs, rows, layer.InputsPadded,
                new ActivationGradient<TLanes, TVector>(next, layer.InputsPadded, l == 0 ? null : w.Outputs[l - 1], l == 0 ? null : w.Derivatives[l - 1], previous));
            gradient = next;
        }
        if (_encoding.NeedsGradients)
            _encoding.KeepGradients(w.InputGradient, w.InputStride, start, valid, n, _featureGradients);
        return loss;
    }

    /// <summary>Chunk gradients summed in chunk order into each parameter's gradient (unpadded), and the encoding's scatter.</summary>
    private void Reduce(float* coordinates, long n, int chunks, IReadOnlyList<nint> gradients)
    {
        int g = 0;
        if (_encoding.Trained is not null)
            _encoding.Backward(coordinates, n, _featureGradients, (float*)gradients[g++]);
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _layers[l];
            float* weight = (float*)gradients[g++], bias = (float*)gradients[g++];
            for (int o = 0; o < layer.Outputs; o++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    float sum = 0;
                    for (int c = 0; c < chunks; c++) sum += _workspaces[c].WeightGradients[l][(long)o * layer.InputsPadded + i];
                    weight[(long)o * layer.Inputs + i] = sum;
                }
                float b = 0;
                for (int c = 0; c < chunks; c++) b += _workspaces[c].BiasGradients[l][o];
                bias[o] = b;
            }
        }
    }

    private void EnsureFeatureGradients(long n)
    {
        if (_featureGradientRows >= n) return;
        NativeMemory.AlignedFree(_featureGradients);
        _featureGradients = (float*)NativeMemory.AlignedAlloc((nuint)(n * _encoding.Width * sizeof(float)), 64);
        _featureGradientRows = n;
    }

    public void Dispose()
    {
        foreach (var w in _workspaces) w.Dispose();
        _workspaces.Clear();
        foreach (var l in _layers) l.Dispose();
        (_encoding as IDisposable)?.Dispose();
        NativeMemory.AlignedFree(_featureGradients);
        _featureGradients = null;
        _featureGradientRows = 0;
    }

    internal static int Padded(int width) => (width + Pad - 1) / Pad * Pad;

    internal static float* Allocate(long floats)
    {
        var at = (float*)NativeMemory.AlignedAlloc((nuint)(Math.Max(1, floats) * sizeof(float)), 64);
        new Span<float>(at, checked((int)floats)).Clear();
        return at;
    }

    /// <summary>One linear layer: the parameters and their padded copies the kernels read (W [out, in] and Wᵀ [in, out]).</summary>
    private sealed class Layer : IDisposable
    {
        public Layer(Parameter weight, Parameter bias, LayerActivation activation, float omega)
        {
            Weight = weight;
            Bias = bias;
            Activation = activation;
            Omega = omega;
            Outputs = (int)weight.shape[0];
            Inputs = (int)weight.shape[1];
            OutputsPadded = Padded(Outputs);
            InputsPadded = Padded(Inputs);
            Padded = Allocate((long)OutputsPadded * InputsPadded);
            Transposed = Allocate((long)OutputsPadded * InputsPadded);
            PaddedBias = Allocate(OutputsPadded);
        }

        public Parameter Weight { get; }
        public Parameter Bias { get; }
        public LayerActivation Activation { get; }
        public float Omega { get; }
        public int Inputs { get; }
        public int Outputs { get; }
        public int InputsPadded { get; }
        public int OutputsPadded { get; }
        public float* Padded { get; }
        public float* Transposed { get; }
        public float* PaddedBias { get; }

        /// <summary>Copies the current weights into the padded layouts (padding stays zero).</summary>
        public void Refresh()
        {
            float* w = TensorPointer.Float(Weight), b = TensorPointer.Float(Bias);
            for (int o = 0; o < Outputs; o++)
            {
                for (int i = 0; i < Inputs; i++)
                {
                    float value = w[(long)o * Inputs + i];
                    Padded[(long)o * InputsPadded + i] = value;
                    Transposed[(long)i * OutputsPadded + o] = value;
                }
                PaddedBias[o] = b[o];
            }
        }

        public void Dispose()
        {
            NativeMemory.AlignedFree(Padded);
            NativeMemory.AlignedFree(Transposed);
            NativeMemory.AlignedFree(PaddedBias);
        }
    }

    /// <summary>One chunk's tile buffers and gradient sums.</summary>
    private sealed class Workspace : IDisposable
    {
        private readonly List<nint> _blocks = [];
        private readonly long[] _weightSizes, _biasSizes;

        public Workspace(Layer[] layers, int inputWidth, int rows)
        {
            InputStride = Padded(inputWidth);
            Input = Block((long)rows * InputStride);
            InputGradient = Block((long)rows * InputStride);
            Outputs = new float*[layers.Length];
            Derivatives = new float*[layers.Length];
            WeightGradients = new float*[layers.Length];
            BiasGradients = new float*[layers.Length];
            for (int l = 0; l < layers.Length; l++)
            {
                Outputs[l] = Block((long)rows * layers[l].OutputsPadded);
                Derivatives[l] = layers[l].Activation == LayerActivation.Sine ? Block((long)rows * layers[l].OutputsPadded) : null;
            }
            int widest = layers.Max(l => Math.Max(l.InputsPadded, l.OutputsPadded));
            Gradients = [Block((long)rows * widest), Block((long)rows * widest)];
            HeadGradient = Block(widest);
            _weightSizes = layers.Select(l => (long)l.OutputsPadded * l.InputsPadded).ToArray();
            _biasSizes = layers.Select(l => (long)l.OutputsPadded).ToArray();
            for (int l = 0; l < layers.Length; l++)
            {
                WeightGradients[l] = Block(_weightSizes[l]);
                BiasGradients[l] = Block(_biasSizes[l]);
            }
        }

        public int InputStride { get; }
        public float* Input { get; }
        public float* InputGradient { get; }
        public float*[] Outputs { get; }
        public float*[] Derivatives { get; }
        public float*[] Gradients { get; }
        public float* HeadGradient { get; }
        public float*[] WeightGradients { get; }
        public float*[] BiasGradients { get; }

        public void ClearGradients()
        {
            for (int l = 0; l < WeightGradients.Length; l++)
            {
                new Span<float>(WeightGradients[l], (int)_weightSizes[l]).Clear();
                new Span<float>(BiasGradients[l], (int)_biasSizes[l]).Clear();
            }
        }

        private float* Block(long floats)
        {
            var at = Allocate(floats);
            _blocks.Add((nint)at);
            return at;
        }

        public void Dispose()
        {
            foreach (var block in _blocks) NativeMemory.AlignedFree((void*)block);
            _blocks.Clear();
        }
    }
}
