namespace Haechi.Pipeline.Fetching;

/// <summary>Limits for every request the watcher makes.</summary>
public sealed record FetchOptions
{
    /// <summary>Haechi's defaults: public addresses only, 5 s to connect, 30 s in all, 20 MiB per media item.</summary>
    public static FetchOptions Default { get; } = new();

    /// <summary>Permit loopback and private ranges (tests, intranet deployments). Off by default.</summary>
    public bool AllowPrivateAddresses { get; init; }

    /// <summary>Time to resolve and connect, per hop.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time from the first request to the last byte of the body, redirects included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A body read that brings nothing for this long is cut off (slow-response).</summary>
    public TimeSpan ReadStallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest HTML page read.</summary>
    public long MaxPageBytes { get; init; } = 4L * 1024 * 1024;

    /// <summary>Largest image or video read.</summary>
    public long MaxMediaBytes { get; init; } = 20L * 1024 * 1024;

    /// <summary>Redirects followed per URL.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>The User-Agent header sent.</summary>
    public string UserAgent { get; init; } = "Haechi-Watch/1.0 (+https://github.com/haechi)";
}
