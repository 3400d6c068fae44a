using NeuralFields.Core.Models;
using NeuralFields.Fitting;
using NeuralFields.Fitting.Modalities;
using NeuralFields.Fitting.Sources;
using NeuralFields.Signals.Image;

// Fits an image with a coordinate network, prints what it measured and writes what the network learned.
// Usage: FitImage [IMAGE] [OUTPUT.png] [STEPS]
string input = args.Length > 0 ? args[0] : "data/samples/kodim23-192x128.png";
string output = args.Length > 1 ? args[1] : "fitted.png";
int steps = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200;

var source = ModalityRegistry.Open(input);                  // an image here; WAV clips, meshes and volumes open the same way
var config = Presets.Load("hashgrid");                      // or ConfigJson.Load("my-model.json")
var options = new FitOptions { Steps = steps, Seed = 1 };

using var result = FieldFit.Run(source, config, options);   // trains, reconstructs, measures; prints nothing
Console.WriteLine(result.Summary);

var reconstruction = (ImageReconstruction)result.Reconstruction;
Console.WriteLine($"PSNR {reconstruction.Psnr:F2} dB, SSIM {reconstruction.Ssim:F4}, {result.Parameters:N0} parameters");
ImageFile.SavePng(output, reconstruction.Image);
result.SaveCheckpoint(Path.ChangeExtension(output, ".ckpt"));   // `nf render` takes it
