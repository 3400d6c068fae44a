using System.CommandLine;
using NeuralFields.Fitting.Shapes;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Mesh;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf extract CKPT --resolution R -o MESH.ply|obj`: the surface of a fitted SDF or occupancy field.</summary>
internal static class ExtractCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<FileInfo>("checkpoint") { Description = "A model.ckpt of an sdf or occupancy field (`nf fit MESH`)" };
        var resolution = new Option<int>("--resolution", "-r") { Description = "Grid resolution per axis", DefaultValueFactory = _ => 256 };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Output mesh (.ply binary or .obj)", Required = true };
        var command = new Command("extract", "Extract the surface of a fitted 3D field by marching tetrahedra (a table-free marching-cubes variant)")
        {
            checkpoint, resolution, output,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var file = parse.GetValue(checkpoint)!;
            if (!file.Exists) throw new NeuralFieldsException($"checkpoint not found: {file.FullName}");
            int r = parse.GetValue(resolution);
            if (r is < 8 or > 1024) throw new NeuralFieldsException($"--resolution must be between 8 and 1024, got {r}");
            var target = parse.GetValue(output)!;
            if (!MeshFile.IsMeshPath(target.FullName)) throw new NeuralFieldsException($"{target.Name}: write meshes as .ply or .obj");
            OutputPath.RefuseReplacing(target.FullName, file.FullName);
            Torch.EnsureLoaded();
            var model = Checkpoint.Load(file.FullName).Model;
            if (!FieldGrid.IsShapeField(model.Signal))
                throw new NeuralFieldsException($"{file.Name} holds a {model.Signal.Modality} field; extract needs an sdf or occupancy field");
            var mesh = FieldGrid.ExtractSurface(model, r);
            MeshFile.Save(target.FullName, mesh);
            Console.WriteLine($"{mesh.TriangleCount:N0} triangles, {mesh.Vertices.Length:N0} vertices -> {target.FullName}");
            return 0;
        }));
        return command;
    }
}
