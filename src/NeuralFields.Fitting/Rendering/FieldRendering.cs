using NeuralFields.Backends;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Fused;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Fitting.Rendering;

/// <summary>Which backend rendered a field, and why another was not used (when auto fell back).</summary>
public sealed record RenderBackend(string Name, string? Note);

/// <summary>
/// Evaluates a fitted field on a sample grid on the chosen backend (TorchSharp, or the fused ILGPU kernel), a chunk
/// of samples at a time: the caller turns each chunk into what it writes, so no float copy of the whole grid is held.
/// </summary>
public static class FieldRendering
{
    /// <summary>Samples rendered at a time: a whole number of prediction blocks.</summary>
    public const int ChunkSamples = 16 * FieldModel.EvaluationBlock;

    /// <summary>Refuses, before any work, a forced ILGPU choice that cannot render this model or finds no GPU.</summary>
    public static void Check(FieldConfig config, AcceleratorChoice choice)
    {
        if (choice is not (AcceleratorChoice.Cuda or AcceleratorChoice.Cpu)) return;
        if (!FusedField.IsSupported(config, out var reason))
            throw new NeuralFieldsException($"--accelerator {choice.Name()}: {reason}; use --accelerator torch (or auto)");
        if (choice == AcceleratorChoice.Cuda && !FieldRenderers.HasCuda())
            throw new NeuralFieldsException("--accelerator cuda: ILGPU found no CUDA device (`nf devices` lists what was found)");
    }

    /// <summary>
    /// Renders the grid of <paramref name="dimensions"/> (slowest axis first) in order; <paramref name="chunk"/> receives each
    /// piece's first sample and its values [samples × channels]. <paramref name="level"/> picks a progressive network's
    /// level (null: the finest; other levels render with TorchSharp only).
    /// </summary>
    public static RenderBackend Stream(FieldModel model, IReadOnlyList<int> dimensions, AcceleratorChoice choice, int? level,
        Action<long, float[]> chunk)
    {
        long samples = dimensions.Aggregate(1L, (a, d) => a * d);
        int chunkSamples = Math.Max(1, ChunkSamples / model.Head.QueriesPerSample);
        if (level is not null || choice == AcceleratorChoice.Torch)
        {
            if (level is not null && choice is AcceleratorChoice.Cuda or AcceleratorChoice.Cpu)
                throw new NeuralFieldsException($"--level renders with TorchSharp only; drop --accelerator {choice.Name()}");
            for (long first = 0; first < samples; first += chunkSamples)
            {
                using var scope = NewDisposeScope();
                long count = Math.Min(chunkSamples, samples - first);
                var x = tensor(SampleGrid.Coordinates(dimensions, first, count)).reshape(count, dimensions.Count);
                chunk(first, model.Predict(x, level).contiguous().data<float>().ToArray());
            }
            return new RenderBackend($"TorchSharp CPU, {get_num_threads()} threads", null);
        }
        using var renderer = FieldRenderers.Create(model, choice, out var note);
        for (long first = 0; first < samples; first += chunkSamples)
        {
            long count = Math.Min(chunkSamples, samples - first);
            chunk(first, renderer.Render(SampleGrid.Coordinates(dimensions, first, count)));
        }
        return new RenderBackend(renderer.Backend, note);
    }

    /// <summary>Every value of the grid at once, [points, channels] (small grids; large ones use <see cref="Stream"/>).</summary>
    public static float[] Grid(FieldModel model, IReadOnlyList<int> dimensions, AcceleratorChoice choice, int? level = null)
    {
        var values = new float[checked(dimensions.Aggregate(1L, (a, d) => a * d) * model.Signal.Channels)];
        Stream(model, dimensions, choice, level, (first, chunk) => chunk.CopyTo(values, first * model.Signal.Channels));
        return values;
    }
}
