using Haechi.Core.Review;

namespace Haechi.Data.Review;

/// <summary>
/// One entry of the review queue. Any producer (reports, bank and face matching, watchers) inserts
/// one through <c>Haechi.Pipeline.Review.IReviewQueue</c>; fingerprints let decided content be recognised
/// when it returns.
/// </summary>
public sealed class ReviewItemRecord
{
    public long Id { get; set; }

    public ReviewItemKind Kind { get; set; }

    /// <summary>The producer's id of the source (report id, watcher item id...).</summary>
    public required string SourceId { get; set; }

    public bool PossibleMinor { get; set; }

    /// <summary>
    /// When <see cref="PossibleMinor"/> was set by the face model's age estimate (ingested content), the
    /// youngest face's estimated age in years; null when the reporter set it, or it is not set.
    /// </summary>
    public double? MinorAge { get; set; }

    /// <summary>0..1, strongest bank or face match (0 when none).</summary>
    public double MatchStrength { get; set; }

    /// <summary>0..1, nudity score (0 when not scored).</summary>
    public double NudityScore { get; set; }

    /// <summary>The signal that queued it: "pdq", "view", "vpdq", "face" or "nudity" (unmatched, scored as sexual); null when none (a report).</summary>
    public string? Signal { get; set; }

    /// <summary>For a video: seconds into it of the frame behind the signal (best face match, or highest nudity score); null otherwise.</summary>
    public double? FrameAt { get; set; }

    /// <summary>0..1, review priority from the signal, its score and the nudity score (see <see cref="ReviewPriority"/>); ordered after the possible-minor flag.</summary>
    public double Priority { get; set; }

    /// <summary>Id of the bank entry matched, if any.</summary>
    public long? MatchedEntryId { get; set; }

    /// <summary>SHA-256 of the content bytes (32 bytes), if known.</summary>
    public byte[]? Sha256 { get; set; }

    /// <summary>MD5 of the content bytes (16 bytes), if known.</summary>
    public byte[]? Md5 { get; set; }

    /// <summary>PDQ of the content, big-endian (32 bytes), if known.</summary>
    public byte[]? Pdq { get; set; }

    /// <summary>The encrypted content, if any.</summary>
    public long? EvidenceId { get; set; }

    /// <summary>Where the content was seen (a watched page's media URL), if anywhere: what a notice names.</summary>
    public string? Url { get; set; }

    /// <summary>The page or Telegram post that showed the content, when it is not <see cref="Url"/> itself; notices name both.</summary>
    public string? PageUrl { get; set; }

    public ReviewStatus Status { get; set; }

    public ReviewDecision? Decision { get; set; }

    public string? Reason { get; set; }

    /// <summary>User id of the analyst who decided.</summary>
    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>For an auto-classified item: the decided item whose decision it took.</summary>
    public long? SameAsId { get; set; }

    /// <summary>For a decided item: how many times the same content came back since.</summary>
    public int ReturnCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// An evidence file (a report's screenshot) encrypted at rest with AES-256-GCM. Neither the bytes
/// nor the preview are ever served without authorisation; the original only through an audited reveal.
/// </summary>
public sealed class EvidenceRecord
{
    public long Id { get; set; }

    /// <summary>The report it came with.</summary>
    public long? ReportId { get; set; }

    /// <summary>Media type of the original (image/jpeg, image/png, image/webp...).</summary>
    public required string ContentType { get; set; }

    public long Length { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>Key version the blobs were sealed with.</summary>
    public int KeyId { get; set; }

    /// <summary>nonce (12) | tag (16) | ciphertext of the original bytes.</summary>
    public required byte[] Sealed { get; set; }

    /// <summary>nonce (12) | tag (16) | ciphertext of the blurred grey JPEG preview.</summary>
    public required byte[] SealedPreview { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
