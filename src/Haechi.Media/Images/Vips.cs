using NetVips;

namespace Haechi.Media.Images;

/// <summary>The boundary between Media's public methods and libvips: a <see cref="VipsException"/> leaves Media as a <see cref="MediaProcessingException"/>.</summary>
internal static class Vips
{
    /// <summary>Runs <paramref name="work"/>, wrapping libvips' failure.</summary>
    /// <exception cref="MediaProcessingException">libvips failed.</exception>
    public static T Run<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (VipsException ex)
        {
            throw new MediaProcessingException("The picture could not be processed: " + FirstLine(ex.Message), ex);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}
