namespace Haechi.Pipeline.Fetching;

/// <summary>What the watcher wants from a URL.</summary>
public enum FetchPurpose
{
    /// <summary>An HTML page to extract media and links from.</summary>
    Page,

    /// <summary>An image or a video to fingerprint.</summary>
    Media,
}

/// <summary>The outcome of fetching one URL: a status always, the body only when <see cref="FetchStatus.Ok"/>.</summary>
public sealed record FetchResult
{
    /// <summary>The URL asked for.</summary>
    public required Uri Url { get; init; }

    /// <summary>How it went.</summary>
    public required FetchStatus Status { get; init; }

    /// <summary>The URL the body came from (after redirects), when a response arrived.</summary>
    public Uri? FinalUrl { get; init; }

    /// <summary>The last HTTP status code received.</summary>
    public int? HttpStatusCode { get; init; }

    /// <summary>The declared Content-Type, if any.</summary>
    public string? ContentType { get; init; }

    /// <summary>What the body's first bytes say it is.</summary>
    public SniffedKind Kind { get; init; }

    /// <summary>The body, when the status is <see cref="FetchStatus.Ok"/>.</summary>
    public byte[]? Body { get; init; }

    /// <summary>Redirects followed.</summary>
    public int Redirects { get; init; }

    /// <summary>A short technical reason for a failure (no content).</summary>
    public string? Detail { get; init; }

    /// <summary>Time spent, redirects included.</summary>
    public TimeSpan Elapsed { get; init; }
}
