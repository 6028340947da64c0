using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;

namespace Haechi.Media.Vision;

/// <summary>
/// Fills a model input (NHWC floats) from a region of a decoded image with bilinear sampling, as
/// TensorFlow.js <c>resizeBilinear</c>/<c>cropAndResize</c> do; samples outside the image are black.
/// Each value is <c>pixel · scale + offset</c>. Grey images are expanded to three equal channels.
/// </summary>
internal static class PixelSampler
{
    /// <summary>Samples the rectangle (x, y, width, height in image pixels) into <paramref name="destination"/> (height × width × 3).</summary>
    public static void Sample(DecodedImage image, float x, float y, float width, float height, Span<float> destination, int outWidth, int outHeight, float scale, float offset)
    {
        var pixels = image.Pixels.AsSpan();
        var channels = image.Format == PixelFormat.Grey8 ? 1 : 3;
        var stride = image.Width * channels;
        var stepX = width / outWidth;
        var stepY = height / outHeight;
        var black = offset;
        for (var oy = 0; oy < outHeight; oy++)
        {
            // Pixel centres map to pixel centres (align_corners = false, half-pixel centres).
            var sy = y + ((oy + 0.5f) * stepY) - 0.5f;
            var y0 = (int)MathF.Floor(sy);
            var fy = sy - y0;
            var row = destination.Slice(oy * outWidth * 3, outWidth * 3);
            for (var ox = 0; ox < outWidth; ox++)
            {
                var sx = x + ((ox + 0.5f) * stepX) - 0.5f;
                var x0 = (int)MathF.Floor(sx);
                var fx = sx - x0;
                for (var c = 0; c < 3; c++)
                {
                    var channel = channels == 1 ? 0 : c;
                    var p00 = At(pixels, image.Width, image.Height, stride, channels, x0, y0, channel);
                    var p10 = At(pixels, image.Width, image.Height, stride, channels, x0 + 1, y0, channel);
                    var p01 = At(pixels, image.Width, image.Height, stride, channels, x0, y0 + 1, channel);
                    var p11 = At(pixels, image.Width, image.Height, stride, channels, x0 + 1, y0 + 1, channel);
                    if (p00 < 0 && p10 < 0 && p01 < 0 && p11 < 0)
                    {
                        row[(ox * 3) + c] = black;
                        continue;
                    }

                    var top = (Math.Max(p00, 0) * (1 - fx)) + (Math.Max(p10, 0) * fx);
                    var bottom = (Math.Max(p01, 0) * (1 - fx)) + (Math.Max(p11, 0) * fx);
                    row[(ox * 3) + c] = (((top * (1 - fy)) + (bottom * fy)) * scale) + offset;
                }
            }
        }
    }

    // Edge pixels are clamped inside the image; positions a whole pixel outside read as −1 (black).
    private static float At(ReadOnlySpan<byte> pixels, int width, int height, int stride, int channels, int x, int y, int c)
    {
        if (x < -1 || y < -1 || x > width || y > height)
        {
            return -1;
        }

        x = Math.Clamp(x, 0, width - 1);
        y = Math.Clamp(y, 0, height - 1);
        return pixels[(y * stride) + (x * channels) + c];
    }
}
