namespace Haechi.Data.Ingestion;

/// <summary>Where an ingestion item stands. Stored as its number: never renumber.</summary>
public enum IngestState
{
    /// <summary>Accepted, waiting to be fetched.</summary>
    Queued = 0,

    /// <summary>Bytes fetched and sealed at rest; SHA-256 known.</summary>
    Fetched = 1,

    /// <summary>PDQ (image) or vPDQ (video) computed.</summary>
    Fingerprinted = 2,

    /// <summary>Looked up in the banks; the outcome is recorded.</summary>
    Matched = 3,

    /// <summary>Finished: sent to review when it matched, or nothing to do (no match, exact duplicate).</summary>
    Done = 4,

    /// <summary>Gave up after the retry limit; <see cref="IngestItemRecord.LastError"/> says why. Can be retried.</summary>
    Failed = 5,
}

/// <summary>
/// One item of the durable ingestion queue: what arrived (a URL or a file path), from which source,
/// and how far the pipeline got. Workers claim an item with a lease (owner + expiry), so an item
/// whose worker died is picked up again after the lease runs out; each step writes its result and
/// the next state in one transaction.
/// </summary>
public sealed class IngestItemRecord
{
    public long Id { get; set; }

    /// <summary>The connector that produced it ("web", "file", "telegram", "cli"...).</summary>
    public required string SourceKind { get; set; }

    /// <summary>The connector's id of the item; (kind, id) is unique, so a connector may re-send an item safely.</summary>
    public required string SourceId { get; set; }

    /// <summary>The http(s) URL to fetch, or null for a file.</summary>
    public string? Url { get; set; }

    /// <summary>The local file to read, or null for a URL.</summary>
    public string? FilePath { get; set; }

    /// <summary>
    /// Where the media was seen, when that is not the address it is read from: the web page that
    /// showed it, or the public <c>t.me/{channel}/{message}</c> link of a Telegram post. Notices name it.
    /// </summary>
    public string? PageUrl { get; set; }

    /// <summary>The address the item is known by when it is not the media URL (a post's <c>t.me/{channel}/{message}</c> link read through the channel's web preview): the review item's URL, what a notice names.</summary>
    public string? Link { get; set; }

    public IngestState State { get; set; }

    /// <summary>The state the item was in when it failed (so a retry resumes there).</summary>
    public IngestState? FailedIn { get; set; }

    /// <summary>Failed attempts at the current step.</summary>
    public int Attempts { get; set; }

    /// <summary>A short error code (a fetch status name, "undecodable"...), never content or URLs.</summary>
    public string? LastError { get; set; }

    /// <summary>The worker holding the item, or null.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the lease ends, in Unix milliseconds (0 when none).</summary>
    public long LeaseUntil { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the bytes were fetched.</summary>
    public DateTimeOffset? FetchedAt { get; set; }

    /// <summary>"image" or "video" once sniffed.</summary>
    public string? ContentKind { get; set; }

    public long Length { get; set; }

    /// <summary>SHA-256 of the fetched bytes (32 bytes).</summary>
    public byte[]? Sha256 { get; set; }

    /// <summary>For an exact repeat: the first item with the same bytes (this one is not reviewed again).</summary>
    public long? DuplicateOf { get; set; }

    /// <summary>PDQ of an image, big-endian (32 bytes).</summary>
    public byte[]? Pdq { get; set; }

    public int? Quality { get; set; }

    /// <summary>vPDQ frames of a video: per frame <c>frame number (4) | quality (4) | hash (32) | timestamp (8)</c>, little-endian.</summary>
    public byte[]? Frames { get; set; }

    public int MatchCount { get; set; }

    /// <summary>The strongest bank entry matched.</summary>
    public long? MatchedEntryId { get; set; }

    /// <summary>0..1, strongest match.</summary>
    public double MatchStrength { get; set; }

    /// <summary>Faces found by the detector (for a video, the most in one sampled frame), or null when faces were not looked for (models not installed).</summary>
    public int? FaceCount { get; set; }

    /// <summary>The face bank entry (an enrolled victim's consented embedding) the best face matched, if any.</summary>
    public long? FaceEntryId { get; set; }

    /// <summary>Cosine similarity of that face match.</summary>
    public double? FaceSimilarity { get; set; }

    /// <summary>
    /// The face model's estimated age in years of the youngest face that passed the quality gates
    /// (for a video, in any sampled frame); null when no face did or faces are off. Under
    /// <see cref="Haechi.Core.Faces.FaceAge.MinorBelow"/> the review item is flagged as a possible minor (a triage flag, never a verdict).
    /// </summary>
    public double? YoungestAge { get; set; }

    /// <summary>0..1, nudity triage score (porn + hentai + sexy; for a video, the highest of its sampled frames), or null when not scored (model not installed).</summary>
    public double? NudityScore { get; set; }

    /// <summary>0..1, explicit score (porn + hentai; for a video, the highest of its sampled frames): what queues an unmatched item (signal "nudity"); null when not scored.</summary>
    public double? ExplicitScore { get; set; }

    /// <summary>For a video: seconds into it of the frame behind the signal (the best face match, else the highest nudity score); null for an image.</summary>
    public double? FrameAt { get; set; }

    /// <summary>The signal that decided the priority: "pdq", "view", "vpdq", "face" or "nudity"; null when nothing matched or was queued.</summary>
    public string? Signal { get; set; }

    /// <summary>0..1, review priority (see <c>ReviewPriority</c>).</summary>
    public double Priority { get; set; }

    /// <summary>The review item it became, once sent.</summary>
    public long? ReviewItemId { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>The sealed bytes of a fetched item (AES-256-GCM, bound to the item id), kept apart so queue scans stay small.</summary>
public sealed class IngestContentRecord
{
    public long ItemId { get; set; }

    public required byte[] Sealed { get; set; }
}

/// <summary>One distinct SHA-256 seen by the pipeline: the first item with those bytes and how often they came back.</summary>
public sealed class IngestDigestRecord
{
    public required byte[] Sha256 { get; set; }

    public long FirstItemId { get; set; }

    /// <summary>Times the bytes arrived, the first included.</summary>
    public int SeenCount { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }
}
