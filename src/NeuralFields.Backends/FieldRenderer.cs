using ILGPU.Runtime;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Kernels.Runtime;
using NeuralFields.Schema;
using static TorchSharp.torch;

namespace NeuralFields.Backends;

/// <summary>Evaluates a trained field's signal values, [samples, channels] in (about) [0,1], on one backend.</summary>
public interface IFieldRenderer : IDisposable
{
    /// <summary>The backend, in words ("ILGPU CUDA: NVIDIA H100 …", "TorchSharp CPU, 2 threads").</summary>
    string Backend { get; }

    /// <summary>Values on a <see cref="SampleGrid"/> of these dimensions, slowest axis first.</summary>
    float[] RenderGrid(IReadOnlyList<int> dimensions);

    /// <summary>Values at row-major [N, dims] coordinates.</summary>
    float[] Render(float[] coordinates);
}

/// <summary>The TorchSharp path: <see cref="FieldModel.Predict"/> in chunks on the CPU.</summary>
public sealed class TorchRenderer(FieldModel model) : IFieldRenderer
{
    public string Backend => $"TorchSharp CPU, {get_num_threads()} threads";

    public float[] RenderGrid(IReadOnlyList<int> dimensions) => Render(SampleGrid.Coordinates(dimensions));

    public float[] Render(float[] coordinates)
    {
        using var scope = NewDisposeScope();
        var x = tensor(coordinates).reshape(-1, model.Signal.CoordinateDims);
        return model.Predict(x).contiguous().data<float>().ToArray();
    }

    public void Dispose() { }
}

/// <summary>The fused ILGPU kernel on an accelerator it owns.</summary>
public sealed class KernelRenderer : IFieldRenderer
{
    private readonly Accelerator _accelerator;
    private readonly DeviceRenderer _renderer;

    public KernelRenderer(FieldModel model, Accelerator accelerator, int? chunk = null)
    {
        _accelerator = accelerator;
        try
        {
            _renderer = new DeviceRenderer(accelerator, FieldExport.Field(model), chunk);
        }
        catch
        {
            accelerator.Dispose();
            throw;
        }
        Backend = accelerator.AcceleratorType == AcceleratorType.Cuda
            ? $"ILGPU CUDA: {accelerator.Name}, fused kernel, {_renderer.Chunk:N0} samples per launch"
            : $"ILGPU {accelerator.AcceleratorType} accelerator ({accelerator.Name}), fused kernel";
    }

    public string Backend { get; }

    public DeviceRenderer Device => _renderer;

    public float[] RenderGrid(IReadOnlyList<int> dimensions) => _renderer.RenderGrid(dimensions);

    public float[] Render(float[] coordinates) => _renderer.Render(coordinates);

    public void Dispose()
    {
        _renderer.Dispose();
        _accelerator.Dispose();
    }
}

/// <summary>
/// <c>auto</c>'s CUDA renderer: if the device fails at run time (a kernel that does not compile for this
/// GPU, a driver error), the work is redone with TorchSharp and <see cref="Backend"/> says so.
/// </summary>
public sealed class FallbackRenderer(IFieldRenderer primary, FieldModel model) : IFieldRenderer
{
    private IFieldRenderer _current = primary;

    public string Backend { get; private set; } = primary.Backend;

    public float[] RenderGrid(IReadOnlyList<int> dimensions) => Run(r => r.RenderGrid(dimensions));

    public float[] Render(float[] coordinates) => Run(r => r.Render(coordinates));

    private float[] Run(Func<IFieldRenderer, float[]> work)
    {
        try
        {
            return work(_current);
        }
        catch (Exception e) when (e is not OperationCanceledException && !ReferenceEquals(_current, _fallback))
        {
            _current.Dispose();
            Torch.EnsureLoaded();
            _fallback = _current = new TorchRenderer(model);
            Backend = $"{_current.Backend} (the CUDA kernel failed: {e.GetType().Name}: {e.Message})";
            return work(_current);
        }
    }

    private IFieldRenderer? _fallback;

    public void Dispose() => _current.Dispose();
}

/// <summary>Picks the renderer for an <see cref="AcceleratorChoice"/>.</summary>
public static class FieldRenderers
{
    /// <summary>
    /// The renderer of <paramref name="model"/> for <paramref name="choice"/>. <paramref name="note"/> says
    /// why <c>auto</c> fell back to TorchSharp when a CUDA device exists, or is null. Forced choices that
    /// cannot run (no CUDA device, a model without a fused kernel) fail with one clear message.
    /// </summary>
    public static IFieldRenderer Create(FieldModel model, AcceleratorChoice choice, out string? note)
    {
        note = null;
        switch (choice)
        {
            case AcceleratorChoice.Torch:
                Torch.EnsureLoaded();
                return new TorchRenderer(model);
            case AcceleratorChoice.Cuda:
            case AcceleratorChoice.Cpu:
                if (!FieldExport.CanExport(model, out var reason))
                    throw new NeuralFieldsException($"--accelerator {choice.Name()}: {reason}; use --accelerator torch (or auto)");
                if (choice == AcceleratorChoice.Cuda && !HasCuda())
                    throw new NeuralFieldsException("--accelerator cuda: ILGPU found no CUDA device (`nf devices` lists what was found)");
                return new KernelRenderer(model, ComputeDevices.Create(choice.Name()));
            default:
                if (HasCuda())
                {
                    if (!FieldExport.CanExport(model, out var why))
                        note = $"rendering with TorchSharp on the CPU: {why}";
                    else
                    {
                        try
                        {
                            return new FallbackRenderer(new KernelRenderer(model, ComputeDevices.CreateCuda()), model);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            note = $"rendering with TorchSharp on the CPU: the CUDA device failed ({e.GetType().Name}: {e.Message})";
                        }
                    }
                }
                Torch.EnsureLoaded();
                return new TorchRenderer(model);
        }
    }

    /// <summary>Whether ILGPU sees a CUDA device (false when the driver is missing or broken).</summary>
    public static bool HasCuda()
    {
        try
        {
            return ComputeDevices.HasCuda;
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }
}
