namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// Turns 8-bit pixels into PDQ's float luma plane: <c>0.299·R + 0.587·G + 0.114·B</c> in single
/// precision, summed left to right as the C++ reference does; grey values are used directly.
/// </summary>
public static class PdqLuma
{
    /// <summary>Red weight (ITU-R BT.601), as a float like the reference.</summary>
    public const float RedWeight = 0.299f;

    /// <summary>Green weight.</summary>
    public const float GreenWeight = 0.587f;

    /// <summary>Blue weight.</summary>
    public const float BlueWeight = 0.114f;

    /// <summary>
    /// Fills <paramref name="luma"/> (width × height, row-major) from <paramref name="pixels"/>.
    /// </summary>
    /// <param name="pixels">The pixel rows.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="format">Pixel layout.</param>
    /// <param name="rowStride">Bytes from one row to the next; 0 means tightly packed.</param>
    /// <param name="luma">Destination, at least width × height floats.</param>
    public static void Fill(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, int rowStride, Span<float> luma)
    {
        var bytesPerPixel = format.BytesPerPixel();
        if (width <= 0 || height <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(width), "Width and height must be positive.");
        }

        if (rowStride == 0)
        {
            rowStride = width * bytesPerPixel;
        }

        if (rowStride < width * bytesPerPixel)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(rowStride), "Row stride is shorter than a row of pixels.");
        }

        if ((long)rowStride * (height - 1) + ((long)width * bytesPerPixel) > pixels.Length)
        {
            ThrowHelper.ThrowArgument(nameof(pixels), "The pixel buffer is smaller than width × height.");
        }

        if ((long)width * height > luma.Length)
        {
            ThrowHelper.ThrowArgument(nameof(luma), "The luma buffer is smaller than width × height.");
        }

        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * rowStride, width * bytesPerPixel);
            var output = luma.Slice(y * width, width);
            switch (format)
            {
                case PixelFormat.Grey8:
                    FillGreyRow(row, output, 1);
                    break;
                case PixelFormat.GreyAlpha16:
                    FillGreyRow(row, output, 2);
                    break;
                case PixelFormat.Rgb24:
                    FillColourRow(row, output, 3);
                    break;
                default:
                    FillColourRow(row, output, 4);
                    break;
            }
        }
    }

    private static void FillGreyRow(ReadOnlySpan<byte> row, Span<float> output, int step)
    {
        for (int x = 0, i = 0; x < output.Length; x++, i += step)
        {
            output[x] = row[i];
        }
    }

    private static void FillColourRow(ReadOnlySpan<byte> row, Span<float> output, int step)
    {
        for (int x = 0, i = 0; x < output.Length; x++, i += step)
        {
            // Three products, then two additions from the left: the reference's order.
            output[x] = (RedWeight * row[i]) + (GreenWeight * row[i + 1]) + (BlueWeight * row[i + 2]);
        }
    }
}
