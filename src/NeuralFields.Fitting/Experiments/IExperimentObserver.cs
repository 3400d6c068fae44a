using NeuralFields.Core.Training;

namespace NeuralFields.Fitting.Experiments;

/// <summary>Receives an experiment's progress: each cell (image, setting, method) as it starts and ends, and the steps of its fit.</summary>
public interface IExperimentObserver : ITrainingObserver
{
    /// <summary>A cell starts.</summary>
    void CellStarted(string cell);

    /// <summary>A cell is finished, or was <paramref name="reused"/> from an earlier run.</summary>
    void CellFinished(string summary, bool reused);
}
