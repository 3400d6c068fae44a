using NeuralFields.Backends;
using NeuralFields.Core.Models;
using NeuralFields.Kernels.Fused;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Fitting.Rendering;

/// <summary>Values a field renders on a grid, which backend rendered them, and why another was not used (when auto fell back).</summary>
public sealed record RenderedGrid(float[] Values, string Backend, string? Note);

/// <summary>Evaluates a fitted field on a sample grid on the chosen backend: TorchSharp, or the fused ILGPU kernel.</summary>
public static class FieldRendering
{
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
    /// Values [points, channels] on a grid of <paramref name="dimensions"/> (slowest axis first), at <paramref name="level"/>
    /// of a progressive network (null: the finest; other levels render with TorchSharp only).
    /// </summary>
    public static RenderedGrid Grid(FieldModel model, IReadOnlyList<int> dimensions, AcceleratorChoice choice, int? level = null)
    {
        if (level is not null || choice == AcceleratorChoice.Torch)
        {
            if (level is not null && choice is AcceleratorChoice.Cuda or AcceleratorChoice.Cpu)
                throw new NeuralFieldsException($"--level renders with TorchSharp only; drop --accelerator {choice.Name()}");
            using var scope = NewDisposeScope();
            var coordinates = tensor(SampleGrid.Coordinates(dimensions)).reshape(-1, dimensions.Count);
            var values = model.Predict(coordinates, level: level).contiguous().data<float>().ToArray();
            return new RenderedGrid(values, $"TorchSharp CPU, {get_num_threads()} threads", null);
        }
        using var renderer = FieldRenderers.Create(model, choice, out var note);
        return new RenderedGrid(renderer.RenderGrid(dimensions), renderer.Backend, note);
    }
}
