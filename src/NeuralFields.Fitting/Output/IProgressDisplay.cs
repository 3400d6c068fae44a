using NeuralFields.Core.Training;

namespace NeuralFields.Fitting.Output;

/// <summary>Shows the progress of one piece of work that reports training steps (a console bar, or nothing); libraries never draw it themselves.</summary>
public interface IProgressDisplay
{
    T Show<T>(string label, int totalSteps, Func<ITrainingObserver, T> work);
}

/// <summary>Shows nothing.</summary>
public sealed class NoProgress : IProgressDisplay
{
    public static readonly NoProgress Instance = new();

    public T Show<T>(string label, int totalSteps, Func<ITrainingObserver, T> work) => work(new Silent());

    private sealed class Silent : ITrainingObserver
    {
        public void OnStep(TrainingProgress progress) { }
    }
}
