namespace Haechi.Core.Video;

/// <summary>
/// Which frames vPDQ hashes and what timestamps they get, as upstream's hasher decides: frame
/// <c>n</c> (0-based decode order) is hashed when <c>n % step == 0</c>, where
/// <c>step = (int)(secondsPerHash × frameRate)</c>, at least 1; its timestamp is <c>n / frameRate</c>.
/// </summary>
public static class VpdqSampling
{
    /// <summary>
    /// The frame step for sampling <paramref name="framesPerSecond"/> frames per second of a video
    /// at <paramref name="frameRate"/>; <see langword="null"/> or 0 hashes every frame.
    /// </summary>
    public static int FrameStep(double frameRate, double? framesPerSecond)
    {
        if (framesPerSecond is not { } fps || fps <= 0 || !double.IsFinite(fps) || !(frameRate > 0) || !double.IsFinite(frameRate))
        {
            return 1;
        }

        // Upstream truncates secondsPerHash × frameRate to an integer.
        var step = Math.Floor(frameRate / fps);
        return step < 1 ? 1 : step > int.MaxValue ? int.MaxValue : (int)step;
    }

    /// <summary>The timestamp of frame <paramref name="frameNumber"/> in seconds (0 when the rate is unknown).</summary>
    public static double Timestamp(int frameNumber, double frameRate) =>
        frameRate > 0 && double.IsFinite(frameRate) ? frameNumber / frameRate : 0;
}
