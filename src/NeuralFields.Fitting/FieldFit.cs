using NeuralFields.Core.Training;
using NeuralFields.Schema;

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
    public static FitResult Run(FitSource source, FieldConfig config, FitOptions options, ITrainingObserver? observer = null, CancellationToken cancel = default)
    {
        source.Check(options.Resume?.Model.Config ?? config, options);
        var training = FieldTraining.Run(config, source.Info, source.TrainingSamples(options.Resume?.Seed ?? options.Seed), options, observer, cancel);
        try
        {
            return new FitResult(source, training, source.Reconstruct(training.Model, options), options);
        }
        catch
        {
            training.Dispose();
            throw;
        }
    }
}
