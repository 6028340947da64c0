namespace Haechi.Data.Watching;

/// <summary>
/// A web page the server's watcher visits on a schedule: the start URL, how far it follows same-site
/// pagination, how often it comes back, and the health of the last visits (error codes and counts only).
/// </summary>
public sealed class WatchedSourceRecord
{
    public long Id { get; set; }

    /// <summary>The start page, an absolute http(s) URL.</summary>
    public required string Url { get; set; }

    /// <summary>Same-site pagination hops followed from the start page (0: the start page only).</summary>
    public int Depth { get; set; }

    /// <summary>Seconds between visits.</summary>
    public int RevisitSeconds { get; set; }

    public bool Enabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the scheduler should visit next, in Unix milliseconds ("visit now" sets it to the present).</summary>
    public long NextVisitAt { get; set; }

    /// <summary>When the last visit started.</summary>
    public DateTimeOffset? LastVisitAt { get; set; }

    /// <summary>When a visit last fetched the start page.</summary>
    public DateTimeOffset? LastSuccessAt { get; set; }

    /// <summary>The last visit's error code (a fetch status name such as <c>blocked-address</c>, <c>timeout</c>, <c>redirect-loop</c>), or null when it succeeded.</summary>
    public string? LastError { get; set; }

    /// <summary>Pages fetched at the last visit.</summary>
    public int LastPages { get; set; }

    /// <summary>Media URLs found at the last visit.</summary>
    public int LastItemsFound { get; set; }

    /// <summary>Media URLs newly handed to the ingestion pipeline at the last visit.</summary>
    public int LastItemsQueued { get; set; }

    /// <summary>Whether the last visit hit a cap (pages, media per page, elements examined).</summary>
    public bool LastTruncated { get; set; }

    /// <summary>Visits so far.</summary>
    public int Visits { get; set; }

    /// <summary>Media URLs handed to the pipeline since the source was added.</summary>
    public long ItemsQueuedTotal { get; set; }
}
