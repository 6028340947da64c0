namespace Haechi.Media.Video;

/// <summary>What ffprobe says about a file's first video stream.</summary>
public sealed record VideoProbe
{
    /// <summary>The container, as FFmpeg names it (e.g. <c>mov,mp4,m4a,3gp,3g2,mj2</c>).</summary>
    public required string Container { get; init; }

    /// <summary>Index of the video stream among all streams of the file.</summary>
    public required int StreamIndex { get; init; }

    /// <summary>The codec, as FFmpeg names it (e.g. <c>h264</c>).</summary>
    public required string Codec { get; init; }

    /// <summary>Decoded frame width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Decoded frame height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>
    /// Frames per second used for timestamps and sampling: the average frame rate, else the
    /// real base frame rate, as upstream vPDQ chooses; 0 when neither is known.
    /// </summary>
    public required double FrameRate { get; init; }

    /// <summary>Duration declared by the stream or container, when there is one.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Frame count declared by the container, when there is one.</summary>
    public long? FrameCount { get; init; }
}
