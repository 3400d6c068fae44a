using System.CommandLine;
using NeuralFields.Cli.Commands;

var root = new RootCommand("nf: fit, render and compress signals with coordinate networks (implicit neural representations).")
{
    FitCommand.Create(),
    RenderCommand.Create(),
    PresetsCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
