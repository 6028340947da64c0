namespace Haechi.Core.Matching;

/// <summary>
/// A Hamming index snapshot is truncated, corrupt (checksum mismatch) or of an unknown format or
/// version. The caller should rebuild the index from the bank rows.
/// </summary>
public sealed class IndexSnapshotCorruptException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public IndexSnapshotCorruptException()
        : base("The index snapshot is corrupt.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public IndexSnapshotCorruptException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that revealed the damage.</summary>
    public IndexSnapshotCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
