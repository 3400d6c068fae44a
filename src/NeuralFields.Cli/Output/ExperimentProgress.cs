using NeuralFields.Core.Training;
using NeuralFields.Fitting.Experiments;
using Spectre.Console;

namespace NeuralFields.Cli.Output;

/// <summary>
/// Progress over a whole experiment (images × settings × methods): on a terminal a live bar of cells
/// done and a second line for the fit in progress; when output is redirected, one plain line per
/// finished or reused cell.
/// </summary>
internal sealed class ExperimentProgress : IExperimentObserver
{
    private readonly int _total;
    private int _done;
    private string _cell = "";
    private ProgressTask? _overall, _current;

    private ExperimentProgress(int total) => _total = total;

    public static T Show<T>(string title, int totalCells, Func<ExperimentProgress, T> work)
    {
        var progress = new ExperimentProgress(totalCells);
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return work(progress);
        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                     new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                progress._overall = ctx.AddTask(Markup.Escape($"{title}: 0/{totalCells} cells"), maxValue: Math.Max(1, totalCells));
                progress._current = ctx.AddTask("starting", maxValue: 1);
                return work(progress);
            });
    }

    /// <summary>A cell (one image, setting and method) starts.</summary>
    public void CellStarted(string cell)
    {
        _cell = cell;
        if (_current is null) return;
        _current.Description = Markup.Escape(cell);
        _current.Value = 0;
    }

    /// <summary>A cell is finished (or was <paramref name="reused"/> from an earlier run).</summary>
    public void CellFinished(string summary, bool reused)
    {
        _done++;
        string line = $"[{_done}/{_total}] {_cell}: {summary}{(reused ? " (reused)" : "")}";
        if (_overall is null)
        {
            Console.WriteLine(line);
            return;
        }
        _overall.Value = _done;
        _overall.Description = Markup.Escape(line);
        _current!.Value = _current.MaxValue;
    }

    public void OnStep(TrainingProgress p)
    {
        if (_current is null) return;
        string psnr = double.IsFinite(p.Psnr) ? $"{p.Psnr:F2} dB" : "-- dB";
        _current.Description = Markup.Escape($"{_cell}  step {p.Step}/{p.TotalSteps}  psnr {psnr}");
        _current.MaxValue = p.TotalSteps;
        _current.Value = p.Step;
    }
}
