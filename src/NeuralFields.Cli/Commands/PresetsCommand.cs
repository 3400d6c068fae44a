using System.CommandLine;
using NeuralFields.Core.Models;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf presets [NAME]`: lists the presets, or prints one as JSON (a starting point for --config).</summary>
internal static class PresetsCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "Print this preset's JSON", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("presets", "List the built-in presets, or print one as JSON") { name };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var which = parse.GetValue(name);
            if (which is not null)
            {
                Console.WriteLine(Presets.Json(which).TrimEnd());
                return 0;
            }
            foreach (var preset in Presets.Names)
                Console.WriteLine($"{preset,-16} {Presets.Load(preset).Description}");
            return 0;
        }));
        return command;
    }
}
