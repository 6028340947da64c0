using Haechi.Core.Hashing.Pdq;

namespace Haechi.Core.Video;

/// <summary>
/// Hashes decoded video frames for vPDQ: PDQ straight on the packed RGB frame (luma
/// 0.299/0.587/0.114, no pre-resize), frames under 5 px on a side get quality 0 and the zero
/// hash, as upstream does. Holds PDQ scratch buffers: use one instance per thread.
/// </summary>
public sealed class VpdqFrameHasher
{
    private readonly PdqHasher _pdq = new();

    /// <summary>Hashes one frame of 8-bit pixels.</summary>
    /// <param name="pixels">The frame's pixel rows.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows.</param>
    /// <param name="format">Pixel layout (decoders hand over <see cref="PixelFormat.Rgb24"/>).</param>
    /// <param name="frameNumber">0-based decode order of the frame.</param>
    /// <param name="frameRate">Frames per second of the video, for the timestamp.</param>
    public VpdqFrame Hash(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, int frameNumber, double frameRate)
    {
        var result = _pdq.Hash(pixels, width, height, format);
        return new VpdqFrame(frameNumber, result.Quality, result.Hash, VpdqSampling.Timestamp(frameNumber, frameRate));
    }
}
