namespace Haechi.Core.Video;

/// <summary>
/// The rules for a video a victim registers from her own device: the browser samples and hashes it
/// (vPDQ frames, upstream's frame selection at <see cref="FramesPerSecond"/>), the server checks the
/// frames it receives against the same limits. Shared so both sides state and enforce the same numbers.
/// </summary>
public static class VictimVideo
{
    /// <summary>Frames hashed per second of video: frame <c>n</c> is hashed when <c>n % step == 0</c>, <c>step = (int)(frameRate / 5)</c> (<see cref="VpdqSampling.FrameStep"/>), as the server's <c>--fps 5</c> and reported videos.</summary>
    public const double FramesPerSecond = 5;

    /// <summary>Longest video, in seconds, the device hashes and the server accepts (3 minutes).</summary>
    public const int MaxSeconds = 180;

    /// <summary>
    /// Most frames of one video: at <see cref="FramesPerSecond"/>, a video under 10 frames/s is hashed at
    /// every frame and any faster one at fewer than 10 frames/s, so <see cref="MaxSeconds"/> × 10 bounds every video.
    /// </summary>
    public const int MaxFrames = MaxSeconds * 10;

    /// <summary>Largest file the device opens (1 GiB): it never leaves the device, the limit only keeps the page responsive.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Fewest frames of quality ≥ <see cref="VpdqMatchOptions.DefaultMinQuality"/> a registered video needs: with none it could never match.</summary>
    public const int MinGoodFrames = 1;

    /// <summary>Longest side, in pixels, of a frame the device hashes (frames are scaled down to it; see docs/video.md).</summary>
    public const int MaxFrameSide = 720;
}
