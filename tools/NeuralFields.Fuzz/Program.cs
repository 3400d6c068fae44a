using NeuralFields.Fuzz;
using SharpFuzz;

// nf-fuzz list | seeds TARGET DIR | run TARGET | replay TARGET FILE...
// `run` is what afl-fuzz starts (tools/fuzz.sh); `replay` runs files once and says which crash.
if (args.Length == 0 || args[0] is "-h" or "--help" or "list")
{
    Console.WriteLine("nf-fuzz list | seeds TARGET DIR | run TARGET | replay TARGET FILE...");
    foreach (var t in FuzzTargets.All()) Console.WriteLine($"  {t.Name,-8} {t.Description}");
    return args.Length == 0 ? 2 : 0;
}
var target = FuzzTargets.Get(args.Length > 1 ? args[1] : "");
var scratch = Directory.CreateTempSubdirectory($"nf-fuzz-{target.Name}-").FullName;
try
{
    switch (args[0])
    {
        case "seeds":
            Directory.CreateDirectory(args[2]);
            foreach (var (name, bytes) in target.Seeds(scratch))
            {
                if (!target.Run((byte[])bytes.Clone(), scratch)) throw new InvalidOperationException($"seed {name} is refused by its own harness");
                File.WriteAllBytes(Path.Combine(args[2], name), bytes);
            }
            Console.WriteLine($"{target.Name}: seeds -> {args[2]}");
            return 0;
        case "run":
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                target.Run(memory.ToArray(), scratch);
            });
            return 0;
        case "replay":
            int failures = 0;
            foreach (var file in args.Skip(2))
            {
                try
                {
                    Console.WriteLine($"{file}: {(target.Run(File.ReadAllBytes(file), scratch) ? "accepted" : "refused (one line)")}");
                }
                catch (Exception e)
                {
                    failures++;
                    Console.WriteLine($"{file}: CRASH {e.GetType().Name}: {e.Message}");
                    Console.WriteLine(e.StackTrace);
                }
            }
            return failures == 0 ? 0 : 1;
        default:
            Console.Error.WriteLine($"unknown command '{args[0]}'");
            return 2;
    }
}
finally
{
    Directory.Delete(scratch, recursive: true);
}
