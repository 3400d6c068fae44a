namespace NeuralFields.Fitting.Experiments;

/// <summary>A method's means over the images of one setting. <see cref="Score"/> ranks methods: missing-pixel PSNR when measured, else PSNR.</summary>
public sealed record MethodMean(string Setting, string Method, string Kind, double Psnr, double Ssim, double? PsnrMissing)
{
    public double Score => PsnrMissing ?? Psnr;
}

/// <summary>Who wins one setting: the best preset against the reference baseline and against the best baseline (by mean score).</summary>
public sealed record SettingVerdict(string Setting, MethodMean BestPreset, MethodMean Reference, MethodMean BestBaseline)
{
    public string Sentence(string scoreName) =>
        $"{Setting}: the best preset is {BestPreset.Method} with {ReportFormat.Db(BestPreset.Score)} dB mean {scoreName}, " +
        $"{ReportFormat.Difference(BestPreset.Score - Reference.Score)} dB against {Reference.Method} ({ReportFormat.Db(Reference.Score)} dB)" +
        (BestBaseline.Method == Reference.Method
            ? "."
            : $" and {ReportFormat.Difference(BestPreset.Score - BestBaseline.Score)} dB against the best baseline, {BestBaseline.Method} ({ReportFormat.Db(BestBaseline.Score)} dB).");
}

/// <summary>Means per setting and method, and the verdict of each setting.</summary>
public sealed class ExperimentSummary
{
    public ExperimentSummary(ExperimentPlan plan, IReadOnlyList<CellResult> cells)
    {
        Means = plan.Task.Settings.SelectMany(s => plan.Methods.Select(m =>
        {
            var rows = cells.Where(c => c.Setting == s.Label && c.Method == m).ToList();
            return new MethodMean(s.Label, m, rows[0].Kind, rows.Average(r => r.Psnr), rows.Average(r => r.Ssim),
                plan.Task.ScoresMissing ? rows.Average(r => r.PsnrMissing ?? double.NaN) : null);
        })).ToList();
        Verdicts = plan.Presets.Count == 0 ? [] : plan.Task.Settings.Select(s =>
        {
            var means = Means.Where(m => m.Setting == s.Label).ToList();
            return new SettingVerdict(s.Label,
                means.Where(m => m.Kind == CellResult.Preset).MaxBy(m => m.Score)!,
                means.Single(m => m.Method == plan.Task.Reference),
                means.Where(m => m.Kind == CellResult.Baseline).MaxBy(m => m.Score)!);
        }).ToList();
        ScoreName = plan.Task.ScoresMissing ? "PSNR on the missing pixels" : "PSNR";
    }

    public IReadOnlyList<MethodMean> Means { get; }

    public IReadOnlyList<SettingVerdict> Verdicts { get; }

    public string ScoreName { get; }

    public MethodMean Mean(string setting, string method) => Means.Single(m => m.Setting == setting && m.Method == method);
}
