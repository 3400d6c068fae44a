using NeuralFields.Core.Training;
using NeuralFields.Fitting.Output;
using Spectre.Console;

namespace NeuralFields.Cli.Output;

/// <summary>
/// Shows training progress: a live Spectre.Console bar (step, loss, PSNR, ETA) on a terminal,
/// plain lines about every 5% when output is redirected. Runs that check bits add the bit error
/// rate (plain lines: per plane, MSB first).
/// </summary>
internal sealed class ConsoleProgress : ITrainingObserver
{
    private readonly string _label;
    private ProgressTask? _task;
    private int _lastPrinted = -1;
    private int _startStep = -1;
    private IReadOnlyList<double>? _bitErrors;
    private bool _exactShown;
    private readonly System.Diagnostics.Stopwatch _clock = new();

    private ConsoleProgress(string label) => _label = label;

    /// <summary>The console bar as the library's progress display.</summary>
    public static IProgressDisplay Display { get; } = new ConsoleDisplay();

    private sealed class ConsoleDisplay : IProgressDisplay
    {
        public T Show<T>(string label, int totalSteps, Func<ITrainingObserver, T> work) => ConsoleProgress.Show(label, totalSteps, work);
    }

    /// <summary>Runs <paramref name="work"/> with a progress display for it.</summary>
    public static T Show<T>(string label, int totalSteps, Func<ITrainingObserver, T> work)
    {
        var progress = new ConsoleProgress(label);
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            return work(progress);
        return AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                     new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                progress._task = ctx.AddTask(Markup.Escape(label), maxValue: totalSteps);
                return work(progress);
            });
    }

    public void OnStep(TrainingProgress p)
    {
        if (_startStep < 0)
        {
            _startStep = p.Step - 1;
            _clock.Start();
        }
        string psnr = double.IsFinite(p.Psnr) ? $"{p.Psnr,6:F2} dB" : double.IsPositiveInfinity(p.Psnr) ? "   inf dB" : "   -- dB";
        string text = $"{_label}  step {p.Step}/{p.TotalSteps}  loss {p.Loss:E3}  psnr {psnr}";
        if (p.BitsPerPoint is double rate) text += $"  rate {rate:F3} bpp";
        _bitErrors = p.BitErrorRates ?? _bitErrors;   // bits are checked every eval_every steps: show the latest
        if (_bitErrors is not null)
            text += $"  ber {_bitErrors.Average():E2} ({_bitErrors.Count(r => r == 0)}/{_bitErrors.Count} planes exact)";
        if (_task is not null)
        {
            _task.Description = Markup.Escape(text);
            _task.MaxValue = p.TotalSteps;
            _task.Value = p.Step;
            return;
        }
        int interval = Math.Max(1, p.TotalSteps / 20);
        bool firstExact = !_exactShown && p.BitErrorRates is { } rates && rates.All(r => r == 0);   // a lossless run stops here
        _exactShown |= firstExact;
        if (p.Step == p.TotalSteps || p.Step / interval != _lastPrinted || firstExact)
        {
            _lastPrinted = p.Step / interval;
            double perStep = _clock.Elapsed.TotalSeconds / Math.Max(1, p.Step - _startStep);
            var eta = TimeSpan.FromSeconds(perStep * (p.TotalSteps - p.Step));
            string planes = _bitErrors is null ? "" : "  MSB..LSB " + string.Join(" ", _bitErrors.Reverse().Select(r => r.ToString("0.####")));
            Console.WriteLine($"{text}  {p.Elapsed.TotalSeconds:F1} s  eta {eta:mm\\:ss}{planes}");
        }
    }
}
