using System.Diagnostics;
using NeuralFields.Fitting.Experiments;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Output;
using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Tests;

/// <summary>
/// Run folders are all or nothing and never replace their source (issue 13 items 7, 9, 10); experiment cells
/// write infinite PSNR the way metrics.json does (item 12).
/// </summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nf-runfolder-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A run folder from an earlier run, with a folder where the new run's reconstruction.png goes.</summary>
    private string OldRun()
    {
        var run = PathOf("run");
        Directory.CreateDirectory(Path.Combine(run, "reconstruction.png"));
        File.WriteAllText(Path.Combine(run, "curve.png"), "old curve");
        File.WriteAllText(Path.Combine(run, "metrics.json"), "old metrics");
        File.WriteAllText(Path.Combine(run, "model.ckpt"), "old model");
        return run;
    }

    private static Dictionary<string, string> Contents(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    [Fact]
    public void A_commit_that_cannot_place_one_file_puts_every_replaced_file_back()
    {
        var run = OldRun();
        var before = Contents(run);
        string staged;
        using (var staging = new StagingDirectory(run))
        {
            staged = staging.Folder;
            foreach (var name in new[] { "curve.png", "metrics.json", "model.ckpt", "reconstruction.png" })   // the folder is moved last
                File.WriteAllText(staging.PathOf(name), "new " + name);
            var e = Assert.Throws<NeuralFieldsException>(() => staging.Commit());
            Assert.Contains("reconstruction.png is a folder", e.Message);
        }
        Assert.Equal(before, Contents(run));
        Assert.True(Directory.Exists(Path.Combine(run, "reconstruction.png")));
        Assert.False(Directory.Exists(staged));
    }

    [Fact]
    public void A_fit_into_a_folder_whose_reconstruction_is_a_folder_leaves_the_old_run_as_it_was()
    {
        var run = OldRun();
        var before = Contents(run);
        using var result = FieldFit.Run(Source("image.png"), Signals.HashGrid(steps: 2), new FitOptions { Seed = 1 });
        Assert.Throws<NeuralFieldsException>(() => result.Save(run));
        Assert.Equal(before, Contents(run));
        Assert.Empty(Directory.GetDirectories(_folder, ".run.partial-*"));
    }

    [Fact]
    public void A_fit_of_a_runs_own_reconstruction_into_that_run_is_refused_before_and_after_training()
    {
        var run = PathOf("run");
        var source = Source("run/reconstruction.png");
        var original = File.ReadAllBytes(source.Origin);

        var early = Assert.Throws<NeuralFieldsException>(() => FieldFit.CheckOutput(source, run));
        Assert.Contains("would replace the source", early.Message);
        using var result = FieldFit.Run(source, Signals.HashGrid(steps: 2), new FitOptions { Seed = 1 });
        var late = Assert.Throws<NeuralFieldsException>(() => result.Save(run));        // Save checks on its own too
        Assert.Contains("would replace the source", late.Message);

        Assert.Equal(original, File.ReadAllBytes(source.Origin));
        Assert.Equal(["reconstruction.png"], Directory.GetFileSystemEntries(run).Select(Path.GetFileName));
        FieldFit.CheckOutput(source, PathOf("elsewhere"));                              // another folder is fine
        Assert.Throws<NeuralFieldsException>(() => FieldFit.CheckOutput(source, source.Origin));   // a file is not a folder
    }

    [Fact]
    public void A_run_removes_staging_folders_that_killed_runs_left_and_registers_its_own_for_removal_on_a_signal()
    {
        var run = PathOf("run");
        int dead = DeadProcessId();
        Directory.CreateDirectory(PathOf($".run.partial-{dead}"));
        using var staging = new StagingDirectory(run);
        Assert.False(Directory.Exists(PathOf($".run.partial-{dead}")));
        File.WriteAllText(staging.PathOf("model.ckpt"), "half");

        PartialOutputs.RemoveAll();                                                     // what the CLI does when stopped

        Assert.False(Directory.Exists(staging.Folder));
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void Experiment_cells_write_an_exact_outputs_psnr_as_inf_and_read_it_back()
    {
        var image = new ImageSignal(2, 2, 1, 8, [1, 2, 3, 4]);
        var c = new ExperimentCase("img", new ExperimentSetting("x2", "x2"), image, image, image, null, "test", "fp");
        var store = new CellStore(_folder);
        store.Save(c, new CellResult("img", "x2", "siren", CellResult.Preset, double.PositiveInfinity, 1, double.PositiveInfinity, 0.5, 10, double.PositiveInfinity, "fp"), image);

        var json = File.ReadAllText(Directory.GetFiles(_folder, "siren.json", SearchOption.AllDirectories).Single());
        Assert.Contains("\"psnr\": \"inf\"", json);
        Assert.DoesNotContain("Infinity", json);
        var (loaded, _) = store.TryLoad(c, "siren", "fp")!.Value;
        Assert.Equal(double.PositiveInfinity, loaded.Psnr);
        Assert.Equal(double.PositiveInfinity, loaded.FitPsnr);
    }

    private Sources.ImageSource Source(string name)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageFile.SavePng(path, Signals.Image(8, 6));
        return (Sources.ImageSource)ModalityRegistry.Open(path);
    }

    private static int DeadProcessId()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        child.WaitForExit();
        return child.Id;
    }
}
