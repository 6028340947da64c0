namespace Haechi.Media.Models;

/// <summary>A model that Haechi cannot convert or load: an unknown op, a malformed file, a contract that does not hold.</summary>
public sealed class ModelConversionException : MediaException
{
    public ModelConversionException()
    {
    }

    public ModelConversionException(string message)
        : base(message)
    {
    }

    public ModelConversionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
