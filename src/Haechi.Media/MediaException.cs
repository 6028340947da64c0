namespace Haechi.Media;

/// <summary>
/// A failure of Haechi.Media on a picture, a video or a model, with a message a person can act on.
/// Hosts catch this (or one of its kinds: <see cref="Images.ImageDecodeException"/>,
/// <see cref="Video.VideoDecodeException"/>, <see cref="Models.ModelConversionException"/>,
/// <see cref="MediaProcessingException"/>) and never the native libraries' own exceptions, which
/// Media wraps at its boundary.
/// </summary>
public class MediaException : Exception
{
    /// <summary>A failure without a message.</summary>
    public MediaException()
    {
    }

    /// <summary>A failure with a message.</summary>
    public MediaException(string message)
        : base(message)
    {
    }

    /// <summary>A failure with a message and the exception that caused it.</summary>
    public MediaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Content that passed its checks but that libvips could not shrink, grey, blur or encode (for
/// example a preview of a picture in an unusual format): the native error, wrapped.
/// </summary>
public sealed class MediaProcessingException : MediaException
{
    /// <summary>A failure without a message.</summary>
    public MediaProcessingException()
    {
    }

    /// <summary>A failure with a message.</summary>
    public MediaProcessingException(string message)
        : base(message)
    {
    }

    /// <summary>A failure with a message and the native exception that caused it.</summary>
    public MediaProcessingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
