using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;

namespace Haechi.Media.Vision;

/// <summary>
/// Fills a model input (NHWC floats) from a region of a decoded image with bilinear sampling, as
/// TensorFlow.js <c>resizeBilinear</c>/<c>cropAndResize</c> do (half-pixel centres, no antialias).
/// Neighbours up to one pixel outside the image repeat the edge; farther ones are black. Each
/// value is <c>pixel · scale + offset</c>. Grey images are expanded to three equal channels.
/// </summary>
internal static class PixelSampler
{
    private const int MaxSide = 1024;

    /// <summary>Samples the rectangle (x, y, width, height in image pixels) into <paramref name="destination"/> (outHeight × outWidth × 3).</summary>
    public static void Sample(DecodedImage image, float x, float y, float width, float height, Span<float> destination, int outWidth, int outHeight, float scale, float offset)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outWidth, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outHeight, MaxSide);
        var pixels = image.Pixels.AsSpan();
        var channels = image.Format == PixelFormat.Grey8 ? 1 : 3;
        var stride = image.Width * channels;

        // Per output column: byte offsets of the two neighbours and their weights (0 when black).
        Span<int> column0 = stackalloc int[outWidth];
        Span<int> column1 = stackalloc int[outWidth];
        Span<float> weight0 = stackalloc float[outWidth];
        Span<float> weight1 = stackalloc float[outWidth];
        var stepX = width / outWidth;
        for (var ox = 0; ox < outWidth; ox++)
        {
            var sx = x + ((ox + 0.5f) * stepX) - 0.5f;
            var x0 = (int)MathF.Floor(sx);
            var fx = sx - x0;
            (column0[ox], weight0[ox]) = Neighbour(x0, image.Width, 1 - fx, channels);
            (column1[ox], weight1[ox]) = Neighbour(x0 + 1, image.Width, fx, channels);
        }

        var stepY = height / outHeight;
        for (var oy = 0; oy < outHeight; oy++)
        {
            var sy = y + ((oy + 0.5f) * stepY) - 0.5f;
            var y0 = (int)MathF.Floor(sy);
            var fy = sy - y0;
            var (r0, wy0) = Neighbour(y0, image.Height, 1 - fy, 1);
            var (r1, wy1) = Neighbour(y0 + 1, image.Height, fy, 1);
            var row0 = pixels.Slice(r0 * stride, stride);
            var row1 = pixels.Slice(r1 * stride, stride);
            var output = destination.Slice(oy * outWidth * 3, outWidth * 3);
            for (var ox = 0; ox < outWidth; ox++)
            {
                int c0 = column0[ox], c1 = column1[ox];
                float a = weight0[ox] * wy0, b = weight1[ox] * wy0, c = weight0[ox] * wy1, d = weight1[ox] * wy1;
                var o = ox * 3;
                if (channels == 3)
                {
                    output[o] = (((row0[c0] * a) + (row0[c1] * b) + (row1[c0] * c) + (row1[c1] * d)) * scale) + offset;
                    output[o + 1] = (((row0[c0 + 1] * a) + (row0[c1 + 1] * b) + (row1[c0 + 1] * c) + (row1[c1 + 1] * d)) * scale) + offset;
                    output[o + 2] = (((row0[c0 + 2] * a) + (row0[c1 + 2] * b) + (row1[c0 + 2] * c) + (row1[c1 + 2] * d)) * scale) + offset;
                }
                else
                {
                    var grey = (((row0[c0] * a) + (row0[c1] * b) + (row1[c0] * c) + (row1[c1] * d)) * scale) + offset;
                    output[o] = grey;
                    output[o + 1] = grey;
                    output[o + 2] = grey;
                }
            }
        }
    }

    // Index (clamped into the image, times the pixel size) and weight of one neighbour.
    private static (int Offset, float Weight) Neighbour(int index, int length, float weight, int pixelSize) =>
        index < -1 || index > length ? (0, 0f) : (Math.Clamp(index, 0, length - 1) * pixelSize, weight);
}
