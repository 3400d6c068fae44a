using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using NeuralFields.Signals.Image;

namespace NeuralFields.Fitting.Experiments;

/// <summary>
/// A short SHA-256 of everything that defines a case (truth, input, mask) or a cell (the case, the
/// method, its config, steps and seed): a saved cell is reused only when its fingerprint matches.
/// </summary>
public static class Fingerprint
{
    public static string Of(params object[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            switch (part)
            {
                case ImageSignal image:
                    hash.AppendData(Encoding.UTF8.GetBytes($"{image.Width}x{image.Height}x{image.Channels}@{image.BitDepth}"));
                    hash.AppendData(MemoryMarshal.AsBytes(image.Samples.AsSpan()));
                    break;
                case PixelMask mask:
                    hash.AppendData(mask.Known.Select(k => k ? (byte)1 : (byte)0).ToArray());
                    break;
                default:
                    hash.AppendData(Encoding.UTF8.GetBytes(part.ToString() ?? ""));
                    break;
            }
            hash.AppendData([0]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
