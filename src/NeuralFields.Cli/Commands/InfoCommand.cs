using System.CommandLine;
using System.Globalization;
using System.Text;
using NeuralFields.Cli.Output;
using NeuralFields.Codec.Decoder;
using NeuralFields.Codec.Decoder.Predictive;
using NeuralFields.Codec.Decoder.Quantization;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf info FILE.nf`: what a neural file holds, read from its header (checksums verified, nothing decoded).</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A neural file (.nf)" };
        var command = new Command("info", "Describe a neural file: modality, shape, bit depth, size, bits per sample, quantisation, config, versions") { file };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var path = parse.GetValue(file)!.FullName;
            var bytes = NeuralFileReader.LoadBytes(path);
            string text;
            try
            {
                text = PredictiveFile.Is(bytes)
                    ? Describe(Path.GetFileName(path), PredictiveFile.ReadHeader(bytes))
                    : Describe(Path.GetFileName(path), NeuralFileReader.ReadHeader(bytes));
            }
            catch (NeuralFileException e)
            {
                throw new NeuralFileException($"{Path.GetFileName(path)}: {e.Message}");
            }
            Console.Write(text);
            return 0;
        }));
        return command;
    }

    /// <summary>A predictive lossless file (format 4): its mode, colour transform and per-plane networks.</summary>
    public static string Describe(string name, PredictiveHeader h)
    {
        var s = h.Signal;
        string point = GridPointNames.Point(s.Modality);                          // images or clips
        var text = new StringBuilder();
        void Line(string key, string value) => text.AppendLine(CultureInfo.InvariantCulture, $"{key,-12}{value}");
        Line("file", $"{name} ({h.FileBytes:N0} bytes)");
        Line("format", $".nf version {NeuralFileFormat.PredictiveFormatVersion} (predictive lossless), decoder version {NeuralFileFormat.DecoderVersion}");
        Line("modality", s.Modality);
        string shape = s.Dimensions.Length == 2 ? $"{s.Dimensions[1]} x {s.Dimensions[0]} (width x height)" : $"{s.Dimensions[0]} frames";
        Line("shape", $"{shape}, {s.Channels} channel(s), {s.BitDepth}-bit samples");
        foreach (var (key, value) in h.Attributes)
            Line(key, value);
        Line("mode", $"lossless, {ModeText(h)}");
        Line("rate", string.Create(CultureInfo.InvariantCulture, $"{h.BitsPerGridPoint:F4} bits per {point}, {h.BitsPerSample:F4} bits per sample"));
        Line("parts", $"header {h.HeaderBytes + NeuralFileFormat.PreambleBytes + 8:N0} B, networks {h.WeightBytes:N0} B, samples {h.SampleBytes:N0} B");
        if (h.Nets.Count > 0)
        {
            Line("parameters", $"{h.Parameters:N0} in {h.Nets.Count} networks (one per plane)");
            for (int c = 0; c < h.Nets.Count; c++)
            {
                var n = h.Nets[c];
                Line("", $"plane {c}: {n.Inputs} inputs, {n.HiddenLayers} x {n.Width} ReLU + skip, weight steps 2^-({string.Join(", ", n.WeightFractions)}) by layer, inputs scaled by 2^-{n.InputShift}, outputs by 2^{n.OutputShift}, {n.Parameters:N0} parameters");
            }
        }
        return text.ToString();
    }

    /// <summary>"network mode, YCoCgR colour transform" and the like.</summary>
    public static string ModeText(PredictiveHeader h) => h.Mode switch
    {
        PredictiveMode.Network => $"network mode (a causal network per plane predicts every sample's distribution around {Base(h)}), {h.Transform} colour transform",
        PredictiveMode.Plain => $"plain mode ({Base(h)} prediction, activity contexts), {h.Transform} colour transform",
        PredictiveMode.Matches => "matches mode (PNG row filters, LZ77 copies and literals, range-coded)",
        _ => "stored mode (raw sample bits)",
    };

    private static string Base(PredictiveHeader h) =>
        h.Signal.Dimensions.Length == 1 ? "2x[-1]-x[-2]" + Cascade(h) : h.Gradient ? "W+N-NW" : "MED";

    /// <summary>" + an adaptive LMS cascade (512 taps 2^-2, 16 taps 2^-3)" when the file has one (§10.7).</summary>
    private static string Cascade(PredictiveHeader h) => h.Stages.Count == 0 ? ""
        : $" + an adaptive LMS cascade ({string.Join(", ", h.Stages.Select(s => $"{s.Order} taps 2^-{s.StepShift}"))})";

    public static string Describe(string name, NeuralFileHeader h)
    {
        var s = h.Signal;
        string point = GridPointNames.Point(s.Modality);
        string shape = s.Modality == "image" && s.Dimensions.Length == 2
            ? $"{s.Dimensions[1]} x {s.Dimensions[0]} (width x height)"
            : string.Join(" x ", s.Dimensions) + " (slowest axis first)";
        var text = new StringBuilder();
        void Line(string key, string value) => text.AppendLine(CultureInfo.InvariantCulture, $"{key,-12}{value}");
        Line("file", $"{name} ({h.FileBytes:N0} bytes)");
        Line("format", $".nf version {h.FormatVersion}, decoder version {h.DecoderVersion}");
        Line("modality", s.Modality);
        Line("shape", $"{shape}, {s.Channels} channel(s), {s.BitDepth}-bit samples");
        foreach (var (key, value) in h.Attributes)
            Line(key, value);
        if (s.Modality == "audio" && h.Attributes.TryGetValue(Fitting.Modalities.AudioModality.SampleRateKey, out var rateText)
            && double.TryParse(rateText, CultureInfo.InvariantCulture, out double rate) && rate > 0)
            Line("bitrate", string.Create(CultureInfo.InvariantCulture, $"{h.FileBytes * 8.0 * rate / s.Dimensions[0] / 1000:F2} kbit/s over {s.Dimensions[0] / rate:F3} s"));
        Line("mode", h.Residual is { } p ? $"lossless (model + residual, {p} prediction)" : h.Latent ? "lossy, latent grids coded with their ARM" : "lossy");
        Line("rate", string.Create(CultureInfo.InvariantCulture, $"{h.BitsPerGridPoint:F4} bits per {point}, {h.BitsPerSample:F4} bits per sample"));
        Line("parts", $"header {h.HeaderBytes + NeuralFileFormat.PreambleBytes + 8:N0} B, weights {h.WeightBytes:N0} B, {(h.Latent ? "latents" : "residual")} {h.ResidualBytes:N0} B");
        Line("decode cost", $"{Codec.Decoder.Inference.DecodeCost.MultiplicationsPerPixel(h.Config, s):N0} multiplications per {point}");
        Line("parameters", $"{h.Parameters:N0} in {h.Tensors.Count} tensors");
        foreach (var t in h.Tensors)
            Line("", $"{t.Name} [{string.Join("x", t.Shape)}] {t.Bits}-bit, {(t.Granularity == QuantizationGranularity.Row ? "step per row" : "one step")}");
        Line("config", h.ConfigJson);
        return text.ToString();
    }
}
