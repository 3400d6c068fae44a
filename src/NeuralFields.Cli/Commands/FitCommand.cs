using System.CommandLine;
using NeuralFields.Cli.Output;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Fitting;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Sources;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf fit INPUT`: fit one signal and write its reconstruction, metrics, curve and checkpoint (FieldFit does the work).</summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input")
        {
            Description = "Signal to fit: an image (PNG 8/16-bit, JPEG, BMP, TIFF, TGA, WebP), a WAV clip, a mesh (PLY/OBJ) or a raw volume (.raw + .json)",
        };
        var field = new Option<FieldKind>("--field") { Description = "Meshes: the field to fit, sdf or occupancy", DefaultValueFactory = _ => FieldKind.Sdf };
        var samples = new Option<int>("--samples") { Description = "Meshes: training points (half near the surface, half uniform)", DefaultValueFactory = _ => 200_000 };
        var resolution = new Option<int>("--resolution") { Description = "Meshes: grid for the extracted surface.ply (IoU on min(R, 64)^3; preview 4R pixels)", DefaultValueFactory = _ => 128 };
        var preset = CommonOptions.Preset(
            "images and WAV: auto, a hash grid sized to the signal and the memory budget (printed as 'model: ...'); meshes: sdf-hashgrid or occupancy-hashgrid; volumes: siren");
        var config = CommonOptions.Config();
        var steps = CommonOptions.Steps();
        var target = new Option<double?>("--target-psnr") { Description = "Stop as soon as the full-image PSNR reaches this many dB [default: none]" };
        var seed = CommonOptions.Seed();
        var output = new Option<DirectoryInfo?>("--out", "-o") { Description = "Output folder [default: runs/<input name>]" };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue training from this model.ckpt up to --steps in all [default: none]" };
        var alpha = CommonOptions.Alpha();
        var maxPixels = CommonOptions.MaxPixels();
        var accelerator = AcceleratorOption.Create("rendering the final reconstruction of an image (training always runs on TorchSharp)");
        var lossless = new Option<bool>("--lossless")
        {
            Description = "Train until every sample decodes exactly (bit-plane head; preset lossless-hashgrid for images, audio-lossless for WAV, unless --preset/--config) or --steps run out",
        };
        var time = new Option<double?>("--time") { Description = "Stop after this many seconds of training; the learning-rate schedule follows it [default: none]" };
        var memory = CommonOptions.Memory();

        var command = new Command("fit", "Fit a coordinate network to an image, a WAV clip, a mesh (SDF/occupancy) or a raw volume; writes the reconstruction, metrics.json, curve.png and model.ckpt")
        {
            input, preset, config, steps, time, target, seed, output, resume, alpha, maxPixels, memory, lossless, field, samples, resolution, accelerator,
        };
        command.SetAction((parse, cancel) => Task.FromResult(CommandRunner.Run(() =>
        {
            var file = parse.GetValue(input)!;
            CommonOptions.RequirePositive(parse.GetValue(steps), "--steps");
            CommonOptions.RequireRange(parse.GetValue(target), "--target-psnr", 0, 1000);
            CommonOptions.RequireRange(parse.GetValue(time), "--time", 0.001, 1e7);
            long budget = CommonOptions.MemoryBudget(parse.GetValue(memory));
            var load = new LoadOptions(parse.GetValue(alpha), parse.GetValue(maxPixels))
            {
                Field = parse.GetValue(field),
                Samples = parse.GetValue(samples),
                Resolution = parse.GetValue(resolution),
                MemoryBudget = budget,
            };
            var modality = ModalityRegistry.ForFitting(file.FullName);
            bool exact = parse.GetValue(lossless);
            var source = modality.Open(file.FullName, load);
            var (fieldConfig, name) = parse.GetValue(preset) is null && parse.GetValue(config) is null
                ? modality.FitConfig(source, exact, budget)
                : CommonOptions.ResolveConfig(parse.GetValue(preset), parse.GetValue(config), source.Info, budget);

            Checkpoint.Contents? resumed = null;
            if (parse.GetValue(resume) is { } resumeFile)
            {
                if (!resumeFile.Exists) throw new NeuralFieldsException($"checkpoint not found: {resumeFile.FullName}");
                Torch.EnsureLoaded();
                resumed = Checkpoint.Load(resumeFile.FullName);
                name = $"resumed from {resumeFile.FullName}";
            }
            var options = new FitOptions
            {
                Steps = parse.GetValue(steps),
                TimeBudget = parse.GetValue(time),
                MemoryBudget = budget,
                TargetPsnr = parse.GetValue(target),
                Seed = parse.GetValue(seed),
                Lossless = exact,
                Resume = resumed,
                Accelerator = AcceleratorOption.Parse(parse.GetValue(accelerator)),
                ConfigName = name,
            };
            var outDir = parse.GetValue(output)?.FullName ?? Path.Combine("runs", Path.GetFileNameWithoutExtension(file.Name));
            FieldFit.CheckOutput(source, outDir);
            var plan = FieldFit.Plan(source, fieldConfig, options);
            Console.WriteLine($"model: {name}{(plan.Config.Description is { } d ? $" ({d})" : "")}");
            foreach (var line in plan.Notes) Console.WriteLine(line);
            int total = options.Steps ?? plan.Config.Training.Steps;
            using var result = ConsoleProgress.Show(source.Label, total, observer => FieldFit.Run(source, plan.Config, options, observer, cancel));
            result.Save(outDir, cancel);
            if (result.Reconstruction is ImageReconstruction { Rendering.Note: { } note })
                Console.Error.WriteLine($"note: {note}");
            Console.WriteLine($"{result.Summary} -> {outDir}");
            if (result.ExactnessLine is { } verdict)
                Console.WriteLine(verdict);
            return 0;
        })));
        return command;
    }
}
