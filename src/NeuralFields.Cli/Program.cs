using System.CommandLine;
using NeuralFields.Cli.Commands;
using System.Runtime.InteropServices;
using NeuralFields.Schema.IO;

// Ctrl+C and SIGTERM cancel the running command (it stops between training steps or output files and removes what
// it staged); one that has not stopped a few seconds later is ended here. Either way nothing half-written stays
// (staging folders, temporary files), short of SIGKILL, whose leftovers the next run into the same place removes.
AppDomain.CurrentDomain.ProcessExit += (_, _) => PartialOutputs.RemoveAll();
using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    int exitCode = 128 + (context.Signal == PosixSignal.SIGTERM ? 15 : 2);
    stop.Cancel();
    _ = Task.Delay(TimeSpan.FromSeconds(3)).ContinueWith(_ =>
    {
        PartialOutputs.RemoveAll();
        Environment.Exit(exitCode);
    }, TaskScheduler.Default);
}
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

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
var parse = root.Parse(args);
if (args.Length > 0 && parse.Errors.Count > 0)
{
    // A typo or a malformed value gets one line and the exit code of every other error, not the whole help text.
    var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
    Console.Error.WriteLine($"error: {Readable(error.Message)} (see {string.Join(' ', ["nf", .. CommandPath(parse.CommandResult)])} --help)");
    return 2;
}
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stop.Token);

// System.CommandLine names .NET types ("System.Nullable`1[System.Int32]"); say what the option wants instead.
static string Readable(string message)
{
    var m = System.Text.RegularExpressions.Regex.Match(message, "^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\\.$");
    if (!m.Success) return message;
    string type = m.Groups[3].Value;
    string wanted = type.Contains("Int") ? "a whole number" : type.Contains("Double") || type.Contains("Single") ? "a number" : "a valid value";
    return $"{m.Groups[2].Value} expects {wanted}, got '{m.Groups[1].Value}'";
}

static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
{
    var names = new Stack<string>();
    for (var c = result; c.Parent is System.CommandLine.Parsing.CommandResult parent; c = parent)
        names.Push(c.Command.Name);
    return names;
}
