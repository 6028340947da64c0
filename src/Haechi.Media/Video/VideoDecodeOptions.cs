namespace Haechi.Media.Video;

/// <summary>Limits and choices for decoding a video into frames with FFmpeg.</summary>
public sealed record VideoDecodeOptions
{
    /// <summary>Default cap on the file size: 4 GiB.</summary>
    public const long DefaultMaxFileBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>Default cap on the pixels of one frame: 8K UHD (7680×4320).</summary>
    public const long DefaultMaxFramePixels = 7680L * 4320;

    /// <summary>Default cap on either side of a frame.</summary>
    public const int DefaultMaxSide = 8192;

    /// <summary>Options with Haechi's defaults.</summary>
    public static VideoDecodeOptions Default { get; } = new();

    /// <summary>Files larger than this are refused before FFmpeg sees them.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Videos whose frames have more pixels than this are refused before decoding.</summary>
    public long MaxFramePixels { get; init; } = DefaultMaxFramePixels;

    /// <summary>Videos with a side longer than this are refused before decoding.</summary>
    public int MaxSide { get; init; } = DefaultMaxSide;

    /// <summary>Videos longer than this (declared by the container, or found while decoding) are refused.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Time allowed for ffprobe to read the header.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for the whole decode; FFmpeg is killed when it runs out.</summary>
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Frames per second to hash (upstream's <c>1 / secondsPerHash</c>); <see langword="null"/>
    /// hashes every frame, as the reference hashes do.
    /// </summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>Scale every frame to this width before hashing (with <see cref="ScaleHeight"/>; upstream's downsample option); 0 keeps the decoded size.</summary>
    public int ScaleWidth { get; init; }

    /// <summary>Scale every frame to this height before hashing; 0 keeps the decoded size.</summary>
    public int ScaleHeight { get; init; }

    /// <summary>Decoder threads FFmpeg may use; 0 lets FFmpeg choose.</summary>
    public int DecoderThreads { get; init; }

    /// <summary>The ffmpeg executable (a path, or a name looked up on PATH).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>The ffprobe executable (a path, or a name looked up on PATH).</summary>
    public string FfprobePath { get; init; } = "ffprobe";
}
