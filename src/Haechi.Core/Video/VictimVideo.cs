namespace Haechi.Core.Video;

/// <summary>
/// The rules for a video a victim registers from her own device: the browser hashes every frame (vPDQ
/// frames, as the server hashes a video it stores in a bank: a stored video hashed at every frame is
/// found by a copy hashed at any rate), the server checks the frames it receives against the same
/// limits. Shared so both sides state and enforce the same numbers.
/// </summary>
public static class VictimVideo
{
    /// <summary>Longest video, in seconds, the device hashes and the server accepts (1 minute; a longer video is added in parts).</summary>
    public const int MaxSeconds = 60;

    /// <summary>Most frames of one video: <see cref="MaxSeconds"/> at 60 frames/s.</summary>
    public const int MaxFrames = MaxSeconds * 60;

    /// <summary>Largest file the device opens (1 GiB): it never leaves the device, the limit only keeps the page responsive.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Fewest frames of quality ≥ <see cref="VpdqMatchOptions.DefaultMinQuality"/> a registered video needs: with none it could never match.</summary>
    public const int MinGoodFrames = 1;

    /// <summary>
    /// Longest side, in pixels, of a frame the device hashes (frames are scaled down to it; PDQ reduces every
    /// frame to 64×64 anyway): keeps WebAssembly hashing to a few milliseconds a frame (see docs/video.md).
    /// </summary>
    public const int MaxFrameSide = 320;
}
