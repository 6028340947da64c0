using Haechi.Core.Hashing.Pdq;

namespace Haechi.Core.Video;

/// <summary>A rectangle of a frame, in pixels.</summary>
/// <param name="X">Left column.</param>
/// <param name="Y">Top row.</param>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public readonly record struct FrameRegion(int X, int Y, int Width, int Height);

/// <summary>
/// Finds the picture inside letterbox and pillarbox bars: rows and columns at the edges whose
/// luma is flat (the brightest and darkest pixel within a small range) are trimmed, whatever
/// their colour, so nested bars (black around grey) go too. Bars change every PDQ bit that
/// matters, so a letterboxed copy of a video otherwise shares no frame hash with its source.
/// </summary>
/// <remarks>
/// The same rule applied to a source and its copy trims both to the same picture; flat picture
/// edges (a clear sky) are trimmed on both sides alike. An axis is left alone when trimming it
/// would keep less than a quarter of it (a fade to black, a blank slide), so flat frames are
/// hashed whole and keep their low quality. Only the outermost rows are read until the first
/// row with detail, so the cost is small next to PDQ itself.
/// </remarks>
public static class FrameBorders
{
    /// <summary>Default largest luma range (max − min) of a row or column counted as bar: compression noise in a bar stays well under it.</summary>
    public const int DefaultMaxFlatRange = 24;

    /// <summary>The region without bars (the whole frame when it has none).</summary>
    public static FrameRegion FindContent(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, int rowStride = 0, int maxFlatRange = DefaultMaxFlatRange)
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

        var colour = format is PixelFormat.Rgb24 or PixelFormat.Rgba32;
        var frame = new Frame(pixels, rowStride, bpp, colour);

        // Rows are judged over the columns still kept and columns over the rows still kept, and
        // the two alternate until nothing changes, so bars of one colour around bars of another
        // (black padding around a grey pillarbox) come off too.
        int top = 0, bottom = height, left = 0, right = width;
        for (var changed = true; changed;)
        {
            var before = (top, bottom, left, right);
            while (top < bottom && frame.RowIsFlat(top, left, right, maxFlatRange))
            {
                top++;
            }

            while (bottom > top && frame.RowIsFlat(bottom - 1, left, right, maxFlatRange))
            {
                bottom--;
            }

            while (left < right && frame.ColumnIsFlat(left, top, bottom, maxFlatRange))
            {
                left++;
            }

            while (right > left && frame.ColumnIsFlat(right - 1, top, bottom, maxFlatRange))
            {
                right--;
            }

            changed = before != (top, bottom, left, right);
        }

        if (bottom - top < Math.Max(1, height / 4))
        {
            (top, bottom) = (0, height);
        }

        if (right - left < Math.Max(1, width / 4))
        {
            (left, right) = (0, width);
        }

        return new FrameRegion(left, top, right - left, bottom - top);
    }

    private readonly ref struct Frame(ReadOnlySpan<byte> pixels, int rowStride, int bytesPerPixel, bool colour)
    {
        private readonly ReadOnlySpan<byte> _pixels = pixels;

        public bool RowIsFlat(int y, int x0, int x1, int maxRange)
        {
            var row = _pixels.Slice(y * rowStride, x1 * bytesPerPixel);
            int min = 255, max = 0;
            for (var x = x0; x < x1; x++)
            {
                var luma = Luma(row, x * bytesPerPixel);
                min = Math.Min(min, luma);
                max = Math.Max(max, luma);
                if (max - min > maxRange)
                {
                    return false;
                }
            }

            return true;
        }

        public bool ColumnIsFlat(int x, int y0, int y1, int maxRange)
        {
            int min = 255, max = 0;
            for (var y = y0; y < y1; y++)
            {
                var luma = Luma(_pixels, (y * rowStride) + (x * bytesPerPixel));
                min = Math.Min(min, luma);
                max = Math.Max(max, luma);
                if (max - min > maxRange)
                {
                    return false;
                }
            }

            return true;
        }

        // BT.601 weights in fixed point, like PdqLuma's floats to within a level.
        private int Luma(ReadOnlySpan<byte> span, int i) =>
            colour ? ((299 * span[i]) + (587 * span[i + 1]) + (114 * span[i + 2]) + 500) / 1000 : span[i];
    }
}
