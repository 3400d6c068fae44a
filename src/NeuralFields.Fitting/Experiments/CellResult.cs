namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// The score of one method on one image under one setting. <see cref="Kind"/> is preset or baseline;
/// <see cref="PsnrMissing"/> is set for inpainting; <see cref="Steps"/> and <see cref="FitPsnr"/>
/// (PSNR on the pixels it was trained on) for presets.
/// </summary>
public sealed record CellResult(
    string Image, string Setting, string Method, string Kind, double Psnr, double Ssim, double? PsnrMissing,
    double Seconds, int? Steps, double? FitPsnr, string Fingerprint)
{
    public const string Preset = "preset", Baseline = "baseline";
}
