using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;
using NeuralFields.Core.Models;
using NeuralFields.Core.Runtime;
using NeuralFields.Core.Training;
using NeuralFields.Schema;
using NeuralFields.Schema.Components;

namespace NeuralFields.Core.Tests;

/// <summary>
/// Checkpoints carry a checksum and are checked for structure on every load; a damaged one is one
/// error line, and version-1 checkpoints (before the checksum) still load.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    /// <summary>
    /// Written by `nf fit` before checkpoints had a checksum (main at a8b2938): a 4x4 gray 8-bit image,
    /// an MLP 2→4→1 with ReLU (17 parameters), 2 steps.
    /// </summary>
    private static readonly string VersionOne = Path.Combine(AppContext.BaseDirectory, "Fixtures", "checkpoint-v1.ckpt");

    private readonly string _folder = Directory.CreateTempSubdirectory("nf-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string LoadError(string path) =>
        Assert.Throws<NeuralFieldsException>(() => Checkpoint.Load(path)).Message;

    /// <summary>A fresh version-2 checkpoint of a tiny model.</summary>
    private byte[] Saved()
    {
        var (x, y, info) = TestSignals.ImageTensors(4);
        var config = new FieldConfig
        {
            Encoding = new IdentityEncodingConfig(),
            Network = new MlpConfig { HiddenLayers = 1, Width = 4, Activation = new ReluActivationConfig() },
            Head = new LinearHeadConfig(),
            Training = new TrainingConfig { LearningRate = 1e-3 },
        };
        Torch.Seed(1);
        using var trainer = new Trainer(new FieldModel(config, info), x, y, 1);
        trainer.Run(new TrainingRun(2));
        var path = Path.Combine(_folder, "fresh.ckpt");
        Checkpoint.Save(path, trainer, 1);
        return File.ReadAllBytes(path);
    }

    /// <summary>The version-1 fixture with its JSON header edited (and, for version 2, the checksum recomputed).</summary>
    private static byte[] Edited(Action<JsonObject> edit, int version = 1)
    {
        var bytes = File.ReadAllBytes(VersionOne);
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        var header = JsonNode.Parse(bytes.AsSpan(12, length))!.AsObject();
        edit(header);
        var text = Encoding.UTF8.GetBytes(header.ToJsonString());
        var body = bytes.AsSpan(12 + length);
        var file = new List<byte>(bytes[..8]);
        file[7] = (byte)version;
        file.AddRange(BitConverter.GetBytes((uint)text.Length));
        file.AddRange(text);
        file.AddRange(body.ToArray());
        if (version >= 2) file.AddRange(BitConverter.GetBytes(Crc32.HashToUInt32(file.ToArray())));
        return file.ToArray();
    }

    [Fact]
    public void A_version_one_checkpoint_made_before_the_checksum_still_loads()
    {
        Torch.EnsureLoaded();
        Assert.Equal(1, File.ReadAllBytes(VersionOne)[7]);
        var loaded = Checkpoint.Load(VersionOne);
        Assert.Equal(new SignalInfo("image", [4, 4], 1, 8), loaded.Model.Signal);
        Assert.Equal(17, loaded.Model.ParameterCount);
        Assert.Equal(2, loaded.AdamStep);
        Assert.Equal(8, loaded.AdamMoments.Count);
        Assert.Equal(2, loaded.Curve.Count);
    }

    [Fact]
    public void A_new_checkpoint_has_version_two_and_loads()
    {
        Torch.EnsureLoaded();
        var bytes = Saved();
        Assert.Equal(2, bytes[7]);
        Assert.Equal(27, Checkpoint.Load(Write("ok.ckpt", bytes)).Model.ParameterCount);   // 2→4→3
    }

    [Fact]
    public void Flipped_truncated_or_extended_version_two_checkpoints_fail_the_checksum()
    {
        Torch.EnsureLoaded();
        var bytes = Saved();
        var flipped = (byte[])bytes.Clone();
        flipped[^20] ^= 0x10;                                          // a weight byte
        foreach (var (name, damaged) in new[] { ("flipped", flipped), ("cut", bytes[..^9]), ("long", [.. bytes, 0, 0, 0, 0]) })
        {
            var message = LoadError(Write($"{name}.ckpt", damaged));
            Assert.Contains("is a damaged checkpoint: its checksum does not match", message);
            Assert.DoesNotContain("\n", message);
        }
    }

    [Theory]
    [InlineData("missing", "tensor 'network.layers.1.bias' of its model is missing")]
    [InlineData("twice", "tensor 'network.layers.0.bias' is listed twice")]
    [InlineData("trailing", "4 unexpected bytes follow its data")]
    [InlineData("moments", "it holds 6 optimiser moments for 4 parameter tensors")]
    [InlineData("bits", "its signal has 99-bit samples")]
    [InlineData("zero", "its signal has an impossible shape (0x4)")]
    [InlineData("channels", "its signal has 0 channels")]
    public void Structure_is_checked_in_both_versions(string damage, string expected)
    {
        Torch.EnsureLoaded();
        foreach (int version in new[] { 1, 2 })
        {
            byte[] bytes = damage switch
            {
                "missing" => Edited(h => h["tensors"]!.AsArray().RemoveAt(3), version: version),
                "twice" => Edited(h => h["tensors"]!.AsArray()[3] = JsonNode.Parse("""{"name":"network.layers.0.bias","shape":[4]}"""), version: version),
                "trailing" => [.. Edited(_ => { }, version: 1), 1, 2, 3, 4],
                "moments" => Edited(h => h["moments"] = 6, version: version),
                "bits" => Edited(h => h["signal"]!["bit_depth"] = 99, version: version),
                "zero" => Edited(h => h["signal"]!["dimensions"] = JsonNode.Parse("[0, 4]"), version: version),
                _ => Edited(h => h["signal"]!["channels"] = 0, version: version),
            };
            if (damage == "trailing" && version == 2) continue;      // a version-2 file fails its checksum first
            var message = LoadError(Write($"{damage}-{version}.ckpt", bytes));
            Assert.Contains(expected, message);
            Assert.DoesNotContain("\n", message);
        }
    }
}
