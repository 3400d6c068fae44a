using NeuralFields.Core.Training;
using NeuralFields.Fitting.Planning;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;

namespace NeuralFields.Fitting;

/// <summary>
/// Fits a field to a whole signal: check, train, reconstruct, measure. The same pipeline for every modality;
/// nothing is printed and nothing is written until <see cref="FitResult.Save"/>.
/// </summary>
/// <example>
/// <code>
/// var source = ModalityRegistry.Open("photo.png");
/// using var result = FieldFit.Run(source, Presets.Load("hashgrid"), new FitOptions { Steps = 500 });
/// Console.WriteLine(result.Reconstruction.Summary);
/// result.Save("runs/photo");
/// </code>
/// </example>
public static class FieldFit
{
    /// <summary>
    /// Decides the run before any work: refuses what the signal cannot take, and sizes the batch to the memory budget
    /// (full batch only when the whole signal fits). Run does this itself; call it first to show the choices.
    /// </summary>
    public static FitPlan Plan(FitSource source, FieldConfig config, FitOptions options)
    {
        var model = options.Resume?.Model.Config ?? config;
        source.Check(model, options);
        return FitPlan.For(model, source.Info, source.TrainingSampleCount, source.SampleBytes + source.ReconstructionBytes, options.MemoryBudget ?? MemoryBudget.Default());
    }

    /// <summary>
    /// Refuses an output folder before any training: one that is a file, or one holding an input under a name the
    /// run writes (<c>fit run/reconstruction.png --out run</c>). <see cref="FitResult.Save"/> checks the files it
    /// actually writes again.
    /// </summary>
    public static void CheckOutput(FitSource source, string folder)
    {
        var target = OutputPath.Canonical(OutputPath.PrepareFolder(folder));
        foreach (var input in source.Inputs)
            if (FitResult.FileNames.Contains(Path.GetFileName(input)) && OutputPath.Canonical(Path.GetDirectoryName(Path.GetFullPath(input))!) == target)
                OutputPath.RefuseReplacing(Path.Combine(folder, Path.GetFileName(input)), input);
    }

    public static FitResult Run(FitSource source, FieldConfig config, FitOptions options, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        var plan = Plan(source, config, options);
        // A source whose reconstruction measures every training sample gives the curve its last point in that one pass.
        var training = FieldTraining.Run(plan.Config, source.Info, source.TrainingSamples(options.Resume?.Seed ?? options.Seed), options,
            source.ReconstructionMeasuresTrainingSamples, observer, cancel);
        try
        {
            var reconstruction = source.Reconstruct(training.Model, options);
            if (source.ReconstructionMeasuresTrainingSamples)
                training.Trainer.RecordFinalPsnr(reconstruction.FieldPsnr ?? throw new InvalidOperationException($"{source.GetType().Name} gave no field PSNR"));
            return new FitResult(source, training, reconstruction, options);
        }
        catch
        {
            training.Dispose();
            throw;
        }
    }
}
