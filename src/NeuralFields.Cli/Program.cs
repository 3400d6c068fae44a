using System.CommandLine;
using NeuralFields.Cli.Commands;

var root = new RootCommand("nf: fit, render and compress signals with coordinate networks (implicit neural representations).")
{
    FitCommand.Create(),
    RenderCommand.Create(),
    DevicesCommand.Create(),
    SuperResCommand.Create(),
    InpaintCommand.Create(),
    ExperimentCommand.Create(),
    CompareCommand.Create(),
    ExtractCommand.Create(),
    PresetsCommand.Create(),
    CompressCommand.Create(),
    DecompressCommand.Create(),
    InfoCommand.Create(),
    AnalyzeEncodingCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
