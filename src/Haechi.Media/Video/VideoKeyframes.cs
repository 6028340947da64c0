using Haechi.Core.Video;
using Haechi.Media.Images;

namespace Haechi.Media.Video;

/// <summary>One keyframe of a video for the review page: seconds into it, and a JPEG (grey and blurred unless revealed).</summary>
public sealed record ReviewKeyframe(double Timestamp, byte[] Jpeg);

/// <summary>
/// A strip of evenly spread keyframes for the review page: by default each passes through the one
/// <see cref="GreyBlur"/>; the sharp frames are made only for an audited reveal. Decoding samples
/// the video (at most <c>count</c> frames per its length), so a long video costs no more than a short one.
/// </summary>
public static class VideoKeyframes
{
    /// <summary>Keyframes of the video at <paramref name="path"/>: at most <paramref name="count"/>, each at most <paramref name="maxSide"/> pixels a side.</summary>
    /// <exception cref="VideoDecodeException">The file is refused or cannot be decoded.</exception>
    public static IReadOnlyList<ReviewKeyframe> Extract(string path, int count, int maxSide, bool sharp, VideoDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        options ??= VideoDecodeOptions.Default;
        var probe = VideoDecoder.Probe(path, options, cancellationToken);
        var seconds = probe.Duration?.TotalSeconds ?? (probe.FrameCount is { } frames && probe.FrameRate > 0 ? frames / probe.FrameRate : count);
        var perSecond = Math.Min(probe.FrameRate > 0 ? probe.FrameRate : 1, count / Math.Max(seconds, 0.001));
        using var reader = VideoDecoder.Open(path, options with { FramesPerSecond = perSecond }, cancellationToken);
        var keyframes = new List<ReviewKeyframe>(count);
        while (keyframes.Count < count && reader.TryRead(out var frame))
        {
            var at = VpdqSampling.Timestamp(frame.FrameNumber, probe.FrameRate);
            var jpeg = sharp ? SharpJpeg(frame.Pixels.ToArray(), frame.Width, frame.Height, maxSide) : GreyBlur.JpegFromRgb24(frame.Pixels.Span, frame.Width, frame.Height, maxSide);
            keyframes.Add(new ReviewKeyframe(at, jpeg));
        }

        return keyframes;
    }

    private static byte[] SharpJpeg(byte[] rgb, int width, int height, int maxSide) => Vips.Run(() =>
    {
        using var image = NetVips.Image.NewFromMemory(rgb, width, height, 3, NetVips.Enums.BandFormat.Uchar);
        using var small = image.ThumbnailImage(maxSide, height: maxSide);
        return small.JpegsaveBuffer(q: 85);
    });
}
