using System.CommandLine;
using NeuralFields.Codec.Compression;
using NeuralFields.Codec.Decoder;

namespace NeuralFields.Cli.Commands;

/// <summary>`nf decompress FILE.nf -o OUTPUT`: decode a neural file with the portable decoder and write the signal in its native form.</summary>
internal static class DecompressCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A neural file (.nf) written by `nf compress`" };
        var output = new Option<FileInfo>("--out", "-o") { Description = "Output file (images: PNG at the source's bit depth and channels)", Required = true };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse files that declare more grid points (pixels) than this", DefaultValueFactory = _ => DecodeLimits.DefaultMaxGridPoints };
        var command = new Command("decompress", "Decode a neural file (bit-exact on every machine) and write the signal") { file, output, maxPixels };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var path = parse.GetValue(file)!.FullName;
            var target = parse.GetValue(output)!.FullName;
            var result = FileCompression.Decompress(path, target, new DecodeLimits(parse.GetValue(maxPixels)));
            var s = result.Signal.Info;
            Console.WriteLine($"{Path.GetFileName(path)} -> {target}: {string.Join("x", s.Dimensions.Reverse())} {s.Modality}, {s.Channels} channel(s), {s.BitDepth}-bit" +
                (result.Lossless ? ", lossless" : ""));
            return 0;
        }));
        return command;
    }
}
