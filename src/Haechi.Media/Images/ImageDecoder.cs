using System.Globalization;
using Haechi.Core.Hashing.Pdq;
using NetVips;
using VipsImage = NetVips.Image;

namespace Haechi.Media.Images;

/// <summary>
/// Decodes image files into 8-bit pixels for hashing, with libvips. Size and pixel caps are
/// checked on the file and on the header before any pixel is decoded, so decompression bombs and
/// oversized uploads are refused cheaply; truncated or corrupt data fails with a clear reason.
/// </summary>
/// <remarks>
/// Alpha is dropped, not composited, as the PDQ reference does (it reads the colour channels of
/// RGBA images as they are); the first frame of an animation is used. 16-bit images are reduced
/// to 8 bits, CMYK and other colour spaces are converted to sRGB, palette and 1-bit images are
/// expanded. Only raster formats that Haechi accepts are loaded (JPEG, PNG, GIF, WebP, TIFF,
/// HEIF/AVIF); anything else is "not an image", even when libvips could open it.
/// </remarks>
public static class ImageDecoder
{
    private static readonly string[] AcceptedLoaders = ["jpeg", "png", "gif", "webp", "tiff", "heif"];

    static ImageDecoder()
    {
        // Each file is decoded once; libvips' operation cache would only hold memory.
        Cache.Max = 0;
    }

    /// <summary>
    /// Limits libvips' own worker threads (0 = libvips default). Set to 1 when the caller already
    /// decodes several files in parallel.
    /// </summary>
    public static void SetDecoderThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        NetVips.NetVips.Concurrency = threads;
    }

    /// <summary>Decodes a file.</summary>
    /// <exception cref="ImageDecodeException">The file is missing, too large, not an image, or corrupt.</exception>
    public static DecodedImage Decode(string path, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageDecodeOptions.Default;
        long length;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ImageDecodeException(ImageDecodeError.Unreadable, "No such file.");
            }

            length = info.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ImageDecodeException(ImageDecodeError.Unreadable, "The file cannot be read: " + ex.Message, ex);
        }

        CheckLength(length, options);
        var loader = Describe(() => VipsImage.FindLoad(path));
        return Decode(loader, kwargs => VipsImage.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated, kwargs: kwargs), options);
    }

    /// <summary>Decodes bytes held in memory (an upload, a fetched item).</summary>
    /// <exception cref="ImageDecodeException">The bytes are too many, not an image, or corrupt.</exception>
    public static DecodedImage Decode(byte[] data, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= ImageDecodeOptions.Default;
        CheckLength(data.LongLength, options);
        var loader = Describe(() => VipsImage.FindLoadBuffer(data));
        return Decode(loader, kwargs => VipsImage.NewFromBuffer(data, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated, kwargs: kwargs), options);
    }

    private static void CheckLength(long length, ImageDecodeOptions options)
    {
        if (length == 0)
        {
            throw new ImageDecodeException(ImageDecodeError.Empty, "The file is empty.");
        }

        if (length > options.MaxFileBytes)
        {
            throw new ImageDecodeException(
                ImageDecodeError.FileTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The file is {length:N0} bytes; the limit is {options.MaxFileBytes:N0}."));
        }
    }

    private static string? Describe(Func<string?> findLoader)
    {
        try
        {
            return findLoader();
        }
        catch (VipsException)
        {
            return null;
        }
    }

    private static DecodedImage Decode(string? loaderClass, Func<VOption?, VipsImage> open, ImageDecodeOptions options)
    {
        var loader = AcceptedLoader(loaderClass)
            ?? throw new ImageDecodeException(ImageDecodeError.NotAnImage, "Not an image in a format Haechi reads (JPEG, PNG, GIF, WebP, TIFF, HEIF/AVIF).");
        try
        {
            var image = open(null);
            var sourceWidth = image.Width;
            var sourceHeight = image.Height;
            var pixels = (long)sourceWidth * sourceHeight;
            if (pixels > options.MaxPixels)
            {
                image.Dispose();
                throw new ImageDecodeException(
                    ImageDecodeError.TooManyPixels,
                    string.Create(CultureInfo.InvariantCulture, $"The image declares {sourceWidth}×{sourceHeight} pixels; the limit is {options.MaxPixels:N0} pixels."));
            }

            // Only the header has been read so far; reopen when the decoder can shrink while decoding.
            if (ShrinkOnLoad(loader, sourceWidth, sourceHeight, options.MinWorkingSide) is { } shrink)
            {
                image.Dispose();
                image = open(shrink);
            }

            try
            {
                image = Replace(image, ToHashable(image, options));
                var bytes = image.WriteToMemory<byte>();
                var format = image.Bands == 1 ? PixelFormat.Grey8 : PixelFormat.Rgb24;
                return new DecodedImage(bytes, image.Width, image.Height, format, sourceWidth, sourceHeight, loader + "load");
            }
            finally
            {
                image.Dispose();
            }
        }
        catch (VipsException ex)
        {
            throw new ImageDecodeException(ImageDecodeError.Corrupt, "The image data is truncated or corrupt: " + FirstLine(ex.Message), ex);
        }
    }

    private static string? AcceptedLoader(string? loaderClass)
    {
        if (loaderClass is null)
        {
            return null;
        }

        // libvips names its loaders like "VipsForeignLoadJpegFile" or "VipsForeignLoadPngBuffer".
        foreach (var accepted in AcceptedLoaders)
        {
            if (loaderClass.StartsWith("VipsForeignLoad" + accepted, StringComparison.OrdinalIgnoreCase))
            {
                return accepted;
            }
        }

        return null;
    }

    private static VOption? ShrinkOnLoad(string loader, int width, int height, int minWorkingSide)
    {
        if (minWorkingSide <= 0)
        {
            return null;
        }

        var factor = ShrinkFactor(width, height, minWorkingSide);
        return loader switch
        {
            // libjpeg scales by 1/2, 1/4 or 1/8 inside the DCT: the biggest saving in decode time.
            "jpeg" when factor >= 2 => new VOption { { "shrink", Math.Min(8, (int)BitFloor((uint)factor)) } },
            "webp" when factor >= 2 => new VOption { { "scale", 1.0 / factor } },
            _ => null,
        };
    }

    /// <summary>The largest integer shrink that keeps both sides at least <paramref name="minWorkingSide"/>.</summary>
    internal static int ShrinkFactor(int width, int height, int minWorkingSide) =>
        minWorkingSide <= 0 ? 1 : Math.Max(1, Math.Min(width, height) / minWorkingSide);

    private static uint BitFloor(uint value) => value == 0 ? 0 : 1u << (31 - System.Numerics.BitOperations.LeadingZeroCount(value));

    private static VipsImage ToHashable(VipsImage image, ImageDecodeOptions options)
    {
        var current = image;
        // Formats without shrink-on-load (PNG, GIF, TIFF) get a box average to the working size.
        var factor = ShrinkFactor(current.Width, current.Height, options.MinWorkingSide);
        if (factor >= 2)
        {
            current = Replace(current, current.Shrink(factor, factor), image);
        }

        if (current.Interpretation == Enums.Interpretation.Cmyk && current.Bands >= 4)
        {
            current = Replace(current, NaiveCmykToRgb(current), image);
        }

        var interpretation = current.Interpretation;
        var grey = interpretation is Enums.Interpretation.Bw or Enums.Interpretation.Grey16;
        current = Replace(current, current.Colourspace(grey ? Enums.Interpretation.Bw : Enums.Interpretation.Srgb), image);

        var colourBands = grey ? 1 : 3;
        if (current.Bands > colourBands)
        {
            current = Replace(current, current.ExtractBand(0, colourBands), image);
        }

        if (current.Format != Enums.BandFormat.Uchar)
        {
            current = Replace(current, current.Cast(Enums.BandFormat.Uchar), image);
        }

        // The file was opened for one sequential pass; rotating needs the (small, shrunk) pixels
        // in memory, so orientation is applied last.
        if (options.Orientation == OrientationMode.Apply && Orientation(image) > 1)
        {
            current = Replace(current, current.CopyMemory(), image);
            current = Replace(current, current.Autorot(), image);
        }

        return current;
    }

    private static int Orientation(VipsImage image)
    {
        const string Field = "orientation";
        return image.Contains(Field) && image.Get(Field) is int value ? value : 1;
    }

    // r = (1 - c)(1 - k), as ImageMagick and the PDQ reference convert CMYK without colour
    // management; libvips' ICC path would shift luma by several levels and PDQ bits with it.
    private static VipsImage NaiveCmykToRgb(VipsImage cmyk)
    {
        using var inverted = cmyk.Cast(Enums.BandFormat.Uchar).Invert();
        using var cmy = inverted.ExtractBand(0, 3);
        using var k = inverted.ExtractBand(3);
        using var product = cmy.Multiply(k);
        using var scaled = (product / 255.0) + 0.5;
        using var rgb = scaled.Cast(Enums.BandFormat.Uchar);
        return rgb.Copy(interpretation: Enums.Interpretation.Srgb);
    }

    // Disposes the image being replaced unless it is the caller's original.
    private static VipsImage Replace(VipsImage old, VipsImage next, VipsImage? keep = null)
    {
        if (!ReferenceEquals(old, next) && !ReferenceEquals(old, keep))
        {
            old.Dispose();
        }

        return next;
    }

    private static string FirstLine(string message)
    {
        var text = message.Trim();
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline].Trim();
    }
}
