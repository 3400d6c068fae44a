using NeuralFields.Schema;

namespace NeuralFields.Cli.Commands;

/// <summary>
/// Runs a command body and turns failures into one line on stderr and an exit code:
/// 2 for bad input, 3 for a bug (stack trace only with NF_DEBUG=1), 130 when interrupted.
/// </summary>
internal static class CommandRunner
{
    public const int BadInput = 2, InternalError = 3, Interrupted = 130;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (NeuralFieldsException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted");
            return Interrupted;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: internal failure ({e.GetType().Name}: {e.Message})");
            if (Environment.GetEnvironmentVariable("NF_DEBUG") == "1")
                Console.Error.WriteLine(e);
            return InternalError;
        }
    }
}
