using Haechi.Core.Hashing.Pdq;

namespace Haechi.Core.Video;

/// <summary>
/// Hashes decoded video frames for vPDQ: PDQ straight on the packed RGB frame (luma
/// 0.299/0.587/0.114, no pre-resize), frames under 5 px on a side get quality 0 and the zero
/// hash, as upstream does. Holds PDQ scratch buffers: use one instance per thread.
/// </summary>
/// <param name="trimBorders">
/// Hash only the picture inside letterbox/pillarbox bars (<see cref="FrameBorders"/>): a Haechi
/// extension that lets letterboxed copies match. Off by default, so hashes stay upstream's.
/// </param>
public sealed class VpdqFrameHasher(bool trimBorders = false)
{
    private readonly PdqHasher _pdq = new();

    /// <summary>Whether frames are trimmed of bars before hashing.</summary>
    public bool TrimBorders { get; } = trimBorders;

    /// <summary>Hashes one frame of 8-bit pixels.</summary>
    /// <param name="pixels">The frame's pixel rows.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="format">Pixel layout (decoders hand over <see cref="PixelFormat.Rgb24"/>).</param>
    /// <param name="frameNumber">0-based decode order of the frame.</param>
    /// <param name="frameRate">Frames per second of the video, for the timestamp.</param>
    public VpdqFrame Hash(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, int frameNumber, double frameRate)
    {
        var result = TrimBorders ? HashContent(pixels, width, height, format) : _pdq.Hash(pixels, width, height, format);
        return new VpdqFrame(frameNumber, result.Quality, result.Hash, VpdqSampling.Timestamp(frameNumber, frameRate));
    }

    private PdqHashResult HashContent(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format)
    {
        var region = FrameBorders.FindContent(pixels, width, height, format);
        var stride = width * format.BytesPerPixel();
        var offset = (region.Y * stride) + (region.X * format.BytesPerPixel());
        return _pdq.Hash(pixels[offset..], region.Width, region.Height, format, stride);
    }
}
