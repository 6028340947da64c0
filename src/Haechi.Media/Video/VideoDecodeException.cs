namespace Haechi.Media.Video;

/// <summary>Why a video could not be turned into frames.</summary>
public enum VideoDecodeError
{
    /// <summary>The file could not be opened or read.</summary>
    Unreadable,

    /// <summary>The file is empty.</summary>
    Empty,

    /// <summary>The file is larger than the configured cap.</summary>
    FileTooLarge,

    /// <summary>The bytes are not a container or stream FFmpeg recognises.</summary>
    NotAVideo,

    /// <summary>The file holds no video stream (audio only, subtitles, a cover picture).</summary>
    NoVideoStream,

    /// <summary>The frame size is missing, zero, or above the configured caps.</summary>
    BadDimensions,

    /// <summary>The video is longer than the configured cap (declared, or found while decoding).</summary>
    TooLong,

    /// <summary>The video data is truncated or corrupt.</summary>
    Corrupt,

    /// <summary>Decoding took longer than the configured time limit; FFmpeg was stopped.</summary>
    TimedOut,

    /// <summary>ffmpeg or ffprobe is not installed or could not be started.</summary>
    ToolMissing,
}

/// <summary>A video that Haechi refuses or cannot decode, with a reason a person can act on.</summary>
public sealed class VideoDecodeException : MediaException
{
    public VideoDecodeException()
    {
    }

    public VideoDecodeException(string message)
        : base(message)
    {
    }

    public VideoDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public VideoDecodeException(VideoDecodeError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The kind of failure.</summary>
    public VideoDecodeError Error { get; }
}
