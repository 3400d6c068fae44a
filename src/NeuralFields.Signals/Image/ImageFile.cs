using NeuralFields.Schema;
using NeuralFields.Schema.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SharpImage = SixLabors.ImageSharp.Image;

namespace NeuralFields.Signals.Image;

/// <summary>
/// Reads PNG (8/16-bit gray, gray+alpha, RGB, RGBA, palette), JPEG, BMP, TIFF, TGA, WebP, GIF and PBM
/// through ImageSharp, keeping 16-bit precision; writes PNG at a signal's own bit depth and channels.
/// </summary>
public static class ImageFile
{
    /// <summary>Default pixel limit against crafted images: 100 megapixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>Bytes decoding takes per pixel at most: ImageSharp's 16-bit RGBA pixel, our 16-bit samples of four channels, a row of slack.</summary>
    public const int DecodeBytesPerPixel = 8 + 8 + 1;

    /// <summary>The widest pixel a file may declare: four 16-bit samples.</summary>
    public const int MaxBitsPerPixel = 64;

    /// <param name="maxBytes">Memory the decode may take; the header's size is checked against it before any pixel is decoded.</param>
    public static ImageSignal Load(string path, AlphaMode alpha = AlphaMode.Keep, long maxPixels = DefaultMaxPixels, long maxBytes = long.MaxValue)
    {
        if (!File.Exists(path))
            throw new NeuralFieldsException($"image not found: {path}");
        try
        {
            using var stream = File.OpenRead(path);
            RefuseAbsurdBitmapHeader(stream, path);
            var info = SharpImage.Identify(stream)
                ?? throw new NeuralFieldsException($"{path} is not an image in a format NeuralFields reads (PNG, JPEG, BMP, TIFF, TGA, WebP, GIF, PBM)");
            if ((long)info.Width * info.Height > maxPixels)
                throw new NeuralFieldsException($"{path} has {info.Width}x{info.Height} pixels, over the limit of {maxPixels:N0} (raise it with --max-pixels)");
            // A crafted header can declare hundreds of bits per pixel (TIFF bits per sample, BMP depth), which the decoder
            // honours with seconds of work and hundreds of MB for a few pixels (found by fuzzing); nf keeps at most 16 x 4.
            int bitsPerPixel = info.PixelType?.BitsPerPixel ?? 0;
            if (bitsPerPixel > MaxBitsPerPixel)
                throw new NeuralFieldsException($"{path} declares {bitsPerPixel} bits per pixel; nf reads images of up to {MaxBitsPerPixel} (16-bit samples, 4 channels)");
            long bytes = (long)info.Width * info.Height * DecodeBytesPerPixel;
            if (bytes > maxBytes)
                throw new NeuralFieldsException(
                    $"{path} declares {info.Width}x{info.Height} pixels, which take {bytes / (double)(1L << 30):F2} GB to decode, over the memory budget of {maxBytes / (double)(1L << 30):F2} GB (raise it with --memory)");
            stream.Position = 0;
            return Read(stream, alpha, path);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException or ImageFormatException
                                      || IsDecoderFailure(e))
        {
            throw new NeuralFieldsException($"cannot decode {path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NeuralFieldsException($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>
    /// ImageSharp's decoders also answer malformed files with ArgumentException, InvalidOperationException,
    /// DivideByZeroException or NullReferenceException from inside themselves (found by fuzzing): a bad file, not a bug of ours.
    /// </summary>
    private static bool IsDecoderFailure(Exception e) =>
        e is ArgumentException or InvalidOperationException or ArithmeticException or NullReferenceException or IndexOutOfRangeException
        && e.StackTrace?.Contains("SixLabors.ImageSharp.Formats", StringComparison.Ordinal) == true;

    /// <summary>
    /// BMP headers are checked before ImageSharp sees them: its decoder sizes a colour table from the declared count
    /// (2^31 in a crafted file: 256 MiB allocated while identifying 4x4125 pixels, found by fuzzing).
    /// </summary>
    private static void RefuseAbsurdBitmapHeader(Stream stream, string path)
    {
        Span<byte> header = stackalloc byte[50];
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read < header.Length || header[0] != (byte)'B' || header[1] != (byte)'M') return;
        int bits = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        uint colours = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[46..]);
        int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(header[18..]);
        int height = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(header[22..]);
        if (bits is not (1 or 2 or 4 or 8 or 16 or 24 or 32 or 64) || colours > 256 || width is <= 0 or > 65535 || height is 0 or > 65535 or < -65535)
            throw new NeuralFieldsException($"{path} is not a valid BMP: it declares {width}x{height} pixels, {bits} bits per pixel and {colours:N0} palette colours");
    }

    /// <summary>Writes a PNG with the signal's bit depth and channel count, via a temporary file.</summary>
    public static void SavePng(string path, ImageSignal signal)
    {
        using var image = Encode(signal);
        var encoder = new PngEncoder
        {
            BitDepth = signal.BitDepth == 16 ? PngBitDepth.Bit16 : PngBitDepth.Bit8,
            ColorType = signal.Channels switch
            {
                1 => PngColorType.Grayscale,
                2 => PngColorType.GrayscaleWithAlpha,
                3 => PngColorType.Rgb,
                _ => PngColorType.RgbWithAlpha,
            },
            CompressionLevel = PngCompressionLevel.DefaultCompression,
        };
        AtomicFile.Write(path, stream => image.Save(stream, encoder));
    }

    /// <summary>
    /// Decodes one still image at its own channels and bit depth (see <see cref="SourceLayout"/>);
    /// animations and multi-page files are refused rather than cut to their first frame.
    /// </summary>
    internal static ImageSignal Read(Stream stream, AlphaMode alphaMode, string name)
    {
        // Rgba64 holds every format's samples exactly: 16-bit ones as they are, 8-bit ones as v·257.
        using var image = SharpImage.Load<Rgba64>(stream, out IImageFormat format);
        if (image.Frames.Count > 1)
            throw new NeuralFieldsException($"{name} holds {image.Frames.Count} frames (an animation or a multi-page file); nf fits one still image: save the frame you want as its own file");
        return Decode(image, SourceLayout.Declared(format, image).WidenedBy(image), alphaMode);
    }

    private static ImageSignal Decode(Image<Rgba64> wide, SourceLayout layout, AlphaMode alphaMode)
    {
        bool hasAlpha = layout.Alpha;
        int bitDepth = layout.BitDepth;
        int colour = layout.ColourChannels;
        int outChannels = colour + (hasAlpha && alphaMode == AlphaMode.Keep ? 1 : 0);

        int width = wide.Width, height = wide.Height;
        var samples = new ushort[(long)width * height * outChannels];
        int divisor = bitDepth == 16 ? 1 : 257;   // ImageSharp widens 8-bit v to v·257
        int max = bitDepth == 16 ? 65535 : 255;
        wide.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    var p = row[x];
                    long at = ((long)y * width + x) * outChannels;
                    Span<ushort> rgb = [(ushort)(p.R / divisor), (ushort)(p.G / divisor), (ushort)(p.B / divisor)];
                    ushort a = (ushort)(p.A / divisor);
                    if (hasAlpha && alphaMode == AlphaMode.White)
                        for (int c = 0; c < 3; c++)
                            rgb[c] = (ushort)Math.Round((rgb[c] * (double)a + max * (double)(max - a)) / max);
                    for (int c = 0; c < colour; c++) samples[at + c] = rgb[c];
                    if (outChannels > colour) samples[at + colour] = a;
                }
            }
        });
        return new ImageSignal(width, height, outChannels, bitDepth, samples);
    }

    internal static SharpImage Encode(ImageSignal s)
    {
        var v = s.Samples;
        int w = s.Width;
        return (s.Channels, s.BitDepth) switch
        {
            (1, 8) => Build<L8>(s, (x, y) => new L8((byte)v[y * w + x])),
            (1, 16) => Build<L16>(s, (x, y) => new L16(v[y * w + x])),
            (2, 8) => Build<La16>(s, (x, y) => new La16((byte)v[(y * w + x) * 2], (byte)v[(y * w + x) * 2 + 1])),
            (2, 16) => Build<La32>(s, (x, y) => new La32(v[(y * w + x) * 2], v[(y * w + x) * 2 + 1])),
            (3, 8) => Build<Rgb24>(s, (x, y) => { long i = (y * w + x) * 3L; return new Rgb24((byte)v[i], (byte)v[i + 1], (byte)v[i + 2]); }),
            (3, 16) => Build<Rgb48>(s, (x, y) => { long i = (y * w + x) * 3L; return new Rgb48(v[i], v[i + 1], v[i + 2]); }),
            (4, 8) => Build<Rgba32>(s, (x, y) => { long i = (y * w + x) * 4L; return new Rgba32((byte)v[i], (byte)v[i + 1], (byte)v[i + 2], (byte)v[i + 3]); }),
            _ => Build<Rgba64>(s, (x, y) => { long i = (y * w + x) * 4L; return new Rgba64(v[i], v[i + 1], v[i + 2], v[i + 3]); }),
        };
    }

    private static Image<TPixel> Build<TPixel>(ImageSignal s, Func<int, int, TPixel> pixel) where TPixel : unmanaged, IPixel<TPixel>
    {
        var image = new Image<TPixel>(s.Width, s.Height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < s.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < s.Width; x++) row[x] = pixel(x, y);
            }
        });
        return image;
    }
}
