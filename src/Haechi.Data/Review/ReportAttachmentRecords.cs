namespace Haechi.Data.Review;

/// <summary>
/// What a report's attachment was, beyond its sealed bytes: a video's duration and frame count, or
/// why a file the reporter sent was not kept (too large for the Bot API, unavailable). Photos kept as
/// evidence need no row; a video kept has one pointing at its <see cref="EvidenceRecord"/>.
/// </summary>
public sealed class ReportAttachmentRecord
{
    /// <summary>The attachment was fetched, checked and sealed as evidence.</summary>
    public const string Stored = "stored";

    /// <summary>Above the size cap: the report was made without the file.</summary>
    public const string TooLarge = "too-large";

    /// <summary>The platform would not give the file: the report was made without it.</summary>
    public const string Unavailable = "unavailable";

    public long Id { get; set; }

    public long ReportId { get; set; }

    /// <summary>The sealed file, when <see cref="Status"/> is <see cref="Stored"/>.</summary>
    public long? EvidenceId { get; set; }

    /// <summary><c>video</c>, <c>animation</c>, <c>video-document</c>.</summary>
    public required string Kind { get; set; }

    /// <summary><see cref="Stored"/>, <see cref="TooLarge"/> or <see cref="Unavailable"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The size the platform declared, when it did.</summary>
    public long? DeclaredBytes { get; set; }

    /// <summary>The cap in force when the file was refused.</summary>
    public long? MaxBytes { get; set; }

    /// <summary>A stored video's length in milliseconds, when its container says.</summary>
    public long? DurationMs { get; set; }

    /// <summary>Frames fingerprinted (vPDQ) of a stored video.</summary>
    public int? Frames { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
