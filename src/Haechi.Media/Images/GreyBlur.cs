using NetVips;

namespace Haechi.Media.Images;

/// <summary>
/// The one grey blur: how every preview, poster, keyframe, heatmap and side-by-side is shown until an
/// authorised person reveals it. The picture is made grey (one band, so R = G = B wherever it is
/// shown; transparency is flattened onto white first) and blurred with a Gaussian of
/// σ = max(<see cref="MinSigma"/>, long side / <see cref="LongSideDivisor"/>) pixels of the picture
/// as shown (after any shrinking), so every caller, whatever the size, hides the same share of detail.
/// The strength is the strongest of the blurs Haechi had before (heatmaps: long side / 30, at least
/// 4 px), so no preview became more revealing when they were made one.
/// </summary>
public static class GreyBlur
{
    /// <summary>σ is the long side divided by this.</summary>
    public const double LongSideDivisor = 30;

    /// <summary>The smallest σ, in pixels (small thumbnails and keyframes).</summary>
    public const double MinSigma = 4;

    private const int JpegQuality = 70;

    /// <summary>The Gaussian σ, in pixels, for a picture of <paramref name="width"/> × <paramref name="height"/> as shown.</summary>
    public static double Sigma(int width, int height) => Math.Max(MinSigma, Math.Max(width, height) / LongSideDivisor);

    /// <summary>An encoded picture (JPEG, PNG, WebP…) shrunk to at most <paramref name="maxSide"/> pixels a side, grey and blurred, as a JPEG.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable picture.</exception>
    public static byte[] Jpeg(byte[] encoded, int maxSide)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        return Vips.Run(() =>
        {
            using var thumbnail = Image.ThumbnailBuffer(encoded, maxSide, height: maxSide);
            using var blurred = Apply(thumbnail);
            return blurred.JpegsaveBuffer(q: JpegQuality);
        });
    }

    /// <summary>A PNG (a heatmap, a side-by-side) at its own size, grey and blurred, as a PNG.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable picture.</exception>
    public static byte[] Png(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        return Vips.Run(() =>
        {
            using var image = Image.NewFromBuffer(png);
            using var blurred = Apply(image);
            return blurred.PngsaveBuffer();
        });
    }

    /// <summary>RGB pixels (a video frame) shrunk to at most <paramref name="maxSide"/> pixels a side, grey and blurred, as a JPEG.</summary>
    public static byte[] JpegFromRgb24(ReadOnlySpan<byte> rgb, int width, int height, int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        var pixels = Rgb24Copy(rgb, width, height);
        return Vips.Run(() =>
        {
            using var image = Image.NewFromMemory(pixels, width, height, 3, Enums.BandFormat.Uchar);
            using var small = image.ThumbnailImage(maxSide, height: maxSide);
            using var blurred = Apply(small);
            return blurred.JpegsaveBuffer(q: JpegQuality);
        });
    }

    /// <summary>RGB pixels at their own size, grey and blurred: <paramref name="width"/> × <paramref name="height"/> grey bytes (one per pixel).</summary>
    public static byte[] Rgb24(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var pixels = Rgb24Copy(rgb, width, height);
        return Vips.Run(() =>
        {
            using var image = Image.NewFromMemory(pixels, width, height, 3, Enums.BandFormat.Uchar);
            using var blurred = Apply(image);
            return blurred.WriteToMemory<byte>();
        });
    }

    /// <summary>The grey blur of a libvips image: one band, 8 bits, the size of <paramref name="image"/>.</summary>
    internal static Image Apply(Image image)
    {
        using var opaque = image.HasAlpha() ? image.Flatten(background: [255]) : image.Copy();
        using var grey = opaque.Colourspace(Enums.Interpretation.Bw);
        using var first = grey.ExtractBand(0);
        using var blurred = first.Gaussblur(Sigma(image.Width, image.Height));
        return blurred.Cast(Enums.BandFormat.Uchar);
    }

    private static byte[] Rgb24Copy(ReadOnlySpan<byte> rgb, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgb.Length != (long)width * height * 3)
        {
            throw new ArgumentException("Expected width × height × 3 bytes of RGB.", nameof(rgb));
        }

        return rgb.ToArray();
    }
}
