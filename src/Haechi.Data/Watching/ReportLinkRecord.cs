namespace Haechi.Data.Watching;

/// <summary>
/// One link of a public report, followed by the web watcher: stored in the report's transaction (the
/// receipt means the follow-up is stored too), visited soon after and again on a schedule until
/// <see cref="FollowUntil"/>, so content that comes back is seen. Its media go to the ingestion
/// pipeline as source kind <c>report</c>, source id <c>{link id}:…</c>. Health is error codes and counts only.
/// </summary>
public sealed class ReportLinkRecord
{
    public long Id { get; set; }

    /// <summary>The report (<c>reports.id</c>) the link came with.</summary>
    public long ReportId { get; set; }

    /// <summary>The link's place in the report (0 first).</summary>
    public int Position { get; set; }

    /// <summary>The link as the reporter gave it, an absolute http(s) URL.</summary>
    public required string Url { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the scheduler should visit next, in Unix milliseconds; null once the link is no longer followed.</summary>
    public long? NextVisitAt { get; set; }

    /// <summary>The last visit after which the link is no longer followed.</summary>
    public DateTimeOffset FollowUntil { get; set; }

    /// <summary>When the last visit started.</summary>
    public DateTimeOffset? LastVisitAt { get; set; }

    /// <summary>The last visit's error code (<c>blocked-private</c>, <c>http-404</c>, <c>timeout</c>...), or null when it succeeded.</summary>
    public string? LastError { get; set; }

    /// <summary>Pages fetched at the last visit (0 for a direct media link).</summary>
    public int LastPages { get; set; }

    /// <summary>Media found at the last visit.</summary>
    public int LastItemsFound { get; set; }

    /// <summary>Media newly handed to the pipeline at the last visit.</summary>
    public int LastItemsQueued { get; set; }

    /// <summary>Visits so far.</summary>
    public int Visits { get; set; }
}
