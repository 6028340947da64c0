namespace Haechi.Media.Images;

/// <summary>Why an image could not be turned into pixels.</summary>
public enum ImageDecodeError
{
    /// <summary>The file could not be opened or read.</summary>
    Unreadable,

    /// <summary>The file is larger than the configured cap.</summary>
    FileTooLarge,

    /// <summary>The header declares more pixels than the configured cap (a likely decompression bomb).</summary>
    TooManyPixels,

    /// <summary>The bytes are not an image format Haechi decodes.</summary>
    NotAnImage,

    /// <summary>The image data is truncated or corrupt.</summary>
    Corrupt,

    /// <summary>The file is empty.</summary>
    Empty,
}

/// <summary>An image that Haechi refuses or cannot decode, with a reason a person can act on.</summary>
public sealed class ImageDecodeException : MediaException
{
    public ImageDecodeException()
    {
    }

    public ImageDecodeException(string message)
        : base(message)
    {
    }

    public ImageDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImageDecodeException(ImageDecodeError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The kind of failure.</summary>
    public ImageDecodeError Error { get; }
}
