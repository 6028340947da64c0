using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Video;

namespace Haechi.Core.Robust;

/// <summary>
/// Finds the photo inside a screenshot or chat capture: the largest rectangle whose rows and
/// columns are mostly "detailed" pixels (a photo has grain and gradients everywhere), as opposed to
/// interface chrome (flat fills with sparse text strokes).
/// </summary>
/// <remarks>
/// A pixel is detailed when the luma range over it and its two right-hand neighbours (on a sampling
/// grid of about 512 columns) exceeds <see cref="DetailRange"/>. Rows over the current columns and
/// columns over the current rows are profiled in turn; the longest run whose detailed fraction is at
/// least <see cref="MinRowFraction"/> (gaps of up to 2 % of the side allowed) becomes the new span.
/// The same rule applied to a registered original and its screenshot finds the same picture, so a
/// rule that also trims a flat band of the photo itself trims it on both sides alike.
/// </remarks>
public static class PhotoRegion
{
    /// <summary>Luma range over three neighbouring samples above which a sample counts as detailed.</summary>
    public const int DetailRange = 0;

    /// <summary>Smallest detailed fraction of a row or column inside the photo.</summary>
    public const double MinRowFraction = 0.45;

    /// <summary>The first pass over whole rows is laxer: a photo in a screenshot may fill only half of the width.</summary>
    public const double FirstPassFraction = 0.25;

    /// <summary>Smallest side of a photo, as a fraction of the frame's side.</summary>
    public const double MinSideFraction = 0.25;

    private const int GridSide = 512;

    /// <summary>The photo region, or the whole frame when no smaller region stands out.</summary>
    public static FrameRegion Find(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, int rowStride = 0)
    {
        var bpp = format.BytesPerPixel();
        if (width <= 0 || height <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(width), "Width and height must be positive.");
        }

        if (rowStride == 0)
        {
            rowStride = width * bpp;
        }

        if (rowStride < width * bpp || ((long)rowStride * (height - 1)) + ((long)width * bpp) > pixels.Length)
        {
            ThrowHelper.ThrowArgument(nameof(pixels), "The pixel buffer is smaller than width × height.");
        }

        var whole = new FrameRegion(0, 0, width, height);
        var step = Math.Max(1, Math.Max(width, height) / GridSide);
        var gw = width / step;
        var gh = height / step;
        if (gw < 8 || gh < 8)
        {
            return whole;
        }

        // Detail mask on the sampling grid, one byte per sample.
        var mask = new byte[gw * gh];
        var colour = format is PixelFormat.Rgb24 or PixelFormat.Rgba32;
        for (var gy = 0; gy < gh; gy++)
        {
            var row = pixels.Slice(gy * step * rowStride);
            var prev1 = Luma(row, 0, colour);
            var prev2 = Luma(row, Math.Min(width - 1, step) * bpp, colour);
            for (var gx = 0; gx < gw - 2; gx++)
            {
                var next = Luma(row, (gx + 2) * step * bpp, colour);
                var min = Math.Min(prev1, Math.Min(prev2, next));
                var max = Math.Max(prev1, Math.Max(prev2, next));
                mask[(gy * gw) + gx] = (byte)(max - min > DetailRange ? 1 : 0);
                prev1 = prev2;
                prev2 = next;
            }
        }

        int top = 0, bottom = gh, left = 0, right = gw - 2;
        for (var pass = 0; pass < 3; pass++)
        {
            var before = (top, bottom, left, right);
            (top, bottom) = LongestRun(mask, gw, top, bottom, left, right, rows: true, pass == 0 ? FirstPassFraction : MinRowFraction);
            (left, right) = LongestRun(mask, gw, left, right, top, bottom, rows: false, MinRowFraction);
            if (before == (top, bottom, left, right))
            {
                break;
            }
        }

        if (bottom - top < gh * MinSideFraction || right - left < gw * MinSideFraction)
        {
            return whole;
        }

        // Back to pixels; the last grid columns have no right-hand neighbours, so a region that
        // reaches them reaches the edge.
        var x0 = left * step;
        var x1 = right >= gw - 3 ? width : (right * step) + step;
        var y0 = top * step;
        var y1 = bottom >= gh - 1 ? height : bottom * step;
        var found = new FrameRegion(x0, y0, Math.Min(width, x1) - x0, Math.Min(height, y1) - y0);

        // Edge detection spills a sample or two (and JPEG ringing a few pixels) into the canvas
        // around the photo: trim flat rows and columns inside the found region.
        var start = (found.Y * rowStride) + (found.X * bpp);
        var inner = FrameBorders.FindContent(pixels[start..], found.Width, found.Height, format, rowStride);
        return new FrameRegion(found.X + inner.X, found.Y + inner.Y, inner.Width, inner.Height);
    }

    /// <summary>
    /// The longest run of lines in [start, end) whose detailed fraction over [across0, across1) is at
    /// least <paramref name="minFraction"/>; short gaps inside a run are allowed.
    /// </summary>
    private static (int Start, int End) LongestRun(byte[] mask, int gw, int start, int end, int across0, int across1, bool rows, double minFraction)
    {
        var span = Math.Max(1, across1 - across0);
        var maxGap = Math.Max(1, (end - start) / 50);
        int bestStart = start, bestEnd = start, runStart = -1, lastGood = -1;
        for (var i = start; i < end; i++)
        {
            var count = 0;
            for (var j = across0; j < across1; j++)
            {
                count += rows ? mask[(i * gw) + j] : mask[(j * gw) + i];
            }

            if (count >= span * minFraction)
            {
                if (runStart < 0 || i - lastGood > maxGap)
                {
                    runStart = i;
                }

                lastGood = i;
                if (lastGood + 1 - runStart > bestEnd - bestStart)
                {
                    (bestStart, bestEnd) = (runStart, lastGood + 1);
                }
            }
        }

        return bestEnd > bestStart ? (bestStart, bestEnd) : (start, end);
    }

    private static int Luma(ReadOnlySpan<byte> row, int i, bool colour) =>
        colour ? ((299 * row[i]) + (587 * row[i + 1]) + (114 * row[i + 2]) + 500) / 1000 : row[i];
}
