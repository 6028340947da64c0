using Haechi.Core.Faces;
using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;

namespace Haechi.Media.Vision;

/// <summary>
/// Fills a model input (NHWC floats, through the shared <see cref="FaceGeometry.Sample"/>) from a region of a decoded image with bilinear sampling, as
/// TensorFlow.js <c>resizeBilinear</c>/<c>cropAndResize</c> do (half-pixel centres, no antialias).
/// Neighbours up to one pixel outside the image repeat the edge; farther ones are black. Each
/// value is <c>pixel · scale + offset</c>. Grey images are expanded to three equal channels.
/// </summary>
internal static class PixelSampler
{
    /// <summary>Samples the rectangle (x, y, width, height in image pixels) into <paramref name="destination"/> (outHeight × outWidth × 3).</summary>
    public static void Sample(DecodedImage image, float x, float y, float width, float height, Span<float> destination, int outWidth, int outHeight, float scale, float offset) =>
        FaceGeometry.Sample(image.Pixels, image.Width, image.Height, image.Format == PixelFormat.Grey8 ? 1 : 3, x, y, width, height, destination, outWidth, outHeight, scale, offset);
}
