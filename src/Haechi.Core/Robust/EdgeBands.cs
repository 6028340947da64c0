using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Video;

namespace Haechi.Core.Robust;

/// <summary>
/// Trims near-uniform bands at the edges of a region: rows or columns where one background colour
/// (luma within ±<see cref="Tolerance"/>) covers at least <see cref="MinDominantFraction"/> of the
/// line, such as a caption bar with text or a meme banner. Stricter bars are already gone through
/// <see cref="FrameBorders"/>; this catches bars that carry sparse content.
/// </summary>
/// <remarks>
/// A band is only trimmed up to <see cref="MaxBandFraction"/> of the side, so a photo with a large
/// flat area is not eaten away; applied to both the original and the copy, any trimming of the
/// photo's own flat edge happens on both sides alike.
/// </remarks>
public static class EdgeBands
{
    /// <summary>Luma tolerance around the dominant colour.</summary>
    public const int Tolerance = 6;

    /// <summary>Fraction of a line the background must cover.</summary>
    public const double MinDominantFraction = 0.45;

    /// <summary>Largest band trimmed from one edge, as a fraction of the side.</summary>
    public const double MaxBandFraction = 0.3;

    /// <summary>The region without near-uniform edge bands; whole lines only, top and bottom first.</summary>
    public static FrameRegion Trim(ReadOnlySpan<byte> pixels, int width, PixelFormat format, FrameRegion region)
    {
        var bpp = format.BytesPerPixel();
        var stride = width * bpp;
        var colour = format is PixelFormat.Rgb24 or PixelFormat.Rgba32;
        Span<int> histogram = stackalloc int[256];
        var maxRows = (int)(region.Height * MaxBandFraction);
        var maxColumns = (int)(region.Width * MaxBandFraction);

        int top = region.Y, bottom = region.Y + region.Height, left = region.X, right = region.X + region.Width;
        while (top - region.Y < maxRows && IsBand(pixels, stride, bpp, colour, histogram, top, left, right, rows: true))
        {
            top++;
        }

        while (region.Y + region.Height - bottom < maxRows && IsBand(pixels, stride, bpp, colour, histogram, bottom - 1, left, right, rows: true))
        {
            bottom--;
        }

        while (left - region.X < maxColumns && IsBand(pixels, stride, bpp, colour, histogram, left, top, bottom, rows: false))
        {
            left++;
        }

        while (region.X + region.Width - right < maxColumns && IsBand(pixels, stride, bpp, colour, histogram, right - 1, top, bottom, rows: false))
        {
            right--;
        }

        return new FrameRegion(left, top, right - left, bottom - top);
    }

    private static bool IsBand(ReadOnlySpan<byte> pixels, int stride, int bpp, bool colour, Span<int> histogram, int line, int from, int to, bool rows)
    {
        histogram.Clear();
        for (var k = from; k < to; k++)
        {
            var i = rows ? (line * stride) + (k * bpp) : (k * stride) + (line * bpp);
            var luma = colour ? ((299 * pixels[i]) + (587 * pixels[i + 1]) + (114 * pixels[i + 2]) + 500) / 1000 : pixels[i];
            histogram[luma]++;
        }

        // Largest count within a window of 2 × Tolerance + 1 levels.
        var window = 0;
        var best = 0;
        for (var v = 0; v < 256; v++)
        {
            window += histogram[v];
            if (v > 2 * Tolerance)
            {
                window -= histogram[v - (2 * Tolerance) - 1];
            }

            best = Math.Max(best, window);
        }

        return best >= (to - from) * MinDominantFraction;
    }
}
