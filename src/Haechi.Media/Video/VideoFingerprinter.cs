using System.Diagnostics;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Video;

namespace Haechi.Media.Video;

/// <summary>The vPDQ hash of one video and where the time went.</summary>
public sealed record VideoFingerprint
{
    /// <summary>What ffprobe said about the video.</summary>
    public required VideoProbe Probe { get; init; }

    /// <summary>One line per hashed frame, in decode order (upstream's vPDQ output).</summary>
    public required IReadOnlyList<VpdqFrame> Frames { get; init; }

    /// <summary>Width of the hashed frames.</summary>
    public required int FrameWidth { get; init; }

    /// <summary>Height of the hashed frames.</summary>
    public required int FrameHeight { get; init; }

    /// <summary>Every <c>FrameStep</c>-th frame was hashed.</summary>
    public required int FrameStep { get; init; }

    /// <summary>Time spent probing and waiting for decoded frames.</summary>
    public required TimeSpan DecodeTime { get; init; }

    /// <summary>Time spent hashing frames.</summary>
    public required TimeSpan HashTime { get; init; }

    /// <summary>Wall-clock time of the whole run.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>FFmpeg's complaints about a damaged video it still decoded to the end, if any.</summary>
    public string? Warnings { get; init; }
}

/// <summary>
/// Decodes a video with FFmpeg and hashes its frames for vPDQ, streaming: one frame buffer at a
/// time. Holds PDQ scratch buffers: use one instance per thread.
/// </summary>
/// <param name="options">Decoding limits and sampling.</param>
/// <param name="trimBorders">Hash the picture inside letterbox bars (see <see cref="FrameBorders"/>); off gives upstream's hashes.</param>
public sealed class VideoFingerprinter(VideoDecodeOptions? options = null, bool trimBorders = false)
{
    private readonly VpdqFrameHasher _hasher = new(trimBorders);

    /// <summary>The decode options in force.</summary>
    public VideoDecodeOptions Options { get; } = options ?? VideoDecodeOptions.Default;

    /// <summary>Hashes the video at <paramref name="path"/>.</summary>
    /// <exception cref="VideoDecodeException">The video is refused, cannot be decoded, or took too long.</exception>
    public VideoFingerprint Fingerprint(string path, CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        using var reader = VideoDecoder.Open(path, Options, cancellationToken);
        var probeTime = Stopwatch.GetElapsedTime(start);
        var frames = new List<VpdqFrame>(EstimateFrames(reader));
        long hashTicks = 0;
        while (reader.TryRead(out var frame))
        {
            var t = Stopwatch.GetTimestamp();
            frames.Add(_hasher.Hash(frame.Pixels.Span, frame.Width, frame.Height, PixelFormat.Rgb24, frame.FrameNumber, reader.Probe.FrameRate));
            hashTicks += Stopwatch.GetTimestamp() - t;
        }

        return new VideoFingerprint
        {
            Probe = reader.Probe,
            Frames = frames,
            FrameWidth = reader.Width,
            FrameHeight = reader.Height,
            FrameStep = reader.FrameStep,
            DecodeTime = probeTime + reader.ReadTime,
            HashTime = Stopwatch.GetElapsedTime(0, hashTicks),
            Elapsed = Stopwatch.GetElapsedTime(start),
            Warnings = reader.Warnings,
        };
    }

    private static int EstimateFrames(VideoFrameReader reader) =>
        reader.Probe.FrameCount is { } count ? (int)Math.Min(1 << 20, (count / reader.FrameStep) + 1) : 256;
}
