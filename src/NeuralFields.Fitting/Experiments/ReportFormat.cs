using System.Globalization;

namespace NeuralFields.Fitting.Experiments;

/// <summary>Number formats shared by the Markdown, HTML and console output.</summary>
public static class ReportFormat
{
    /// <summary>PSNR in dB with two decimals; an exact output is "inf".</summary>
    public static string Db(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : value.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>A difference in dB with its sign.</summary>
    public static string Difference(double value) =>
        double.IsFinite(value) ? value.ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) : Db(value);

    public static string Ssim(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
