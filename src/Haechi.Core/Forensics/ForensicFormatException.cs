namespace Haechi.Core.Forensics;

/// <summary>A file's structure is malformed or exceeds a safety cap; the message says which and where.</summary>
public sealed class ForensicFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ForensicFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ForensicFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ForensicFormatException()
    {
    }
}
