namespace Haechi.Pipeline.Fetching;

/// <summary>What became of one URL the watcher asked for.</summary>
public enum FetchStatus
{
    /// <summary>The body was read in full and is of the kind asked for.</summary>
    Ok,

    /// <summary>The URL is not absolute http(s).</summary>
    InvalidUrl,

    /// <summary>The host resolves to a loopback, private, link-local, CGNAT, multicast or unique-local address.</summary>
    BlockedPrivate,

    /// <summary>The body (declared or read) is larger than the cap.</summary>
    TooLarge,

    /// <summary>No connection or no response headers before the deadline.</summary>
    Timeout,

    /// <summary>The body arrived too slowly (stalled reads or past the total deadline).</summary>
    SlowResponse,

    /// <summary>A redirect came back to a URL already visited.</summary>
    RedirectLoop,

    /// <summary>More redirects than the limit.</summary>
    TooManyRedirects,

    /// <summary>The server answered with a status other than 2xx.</summary>
    HttpStatus,

    /// <summary>The body is not an image or video (by its first bytes), or not HTML for a page.</summary>
    NotMedia,

    /// <summary>The host could not be resolved or the connection failed.</summary>
    ConnectFailed,
}

/// <summary>The names the CLI and JSON print for <see cref="FetchStatus"/>.</summary>
public static class FetchStatusNames
{
    /// <summary>A stable kebab-case name (ok, blocked-private, too-large, ...).</summary>
    public static string Name(this FetchStatus status) => status switch
    {
        FetchStatus.Ok => "ok",
        FetchStatus.InvalidUrl => "invalid-url",
        FetchStatus.BlockedPrivate => "blocked-private",
        FetchStatus.TooLarge => "too-large",
        FetchStatus.Timeout => "timeout",
        FetchStatus.SlowResponse => "slow-response",
        FetchStatus.RedirectLoop => "redirect-loop",
        FetchStatus.TooManyRedirects => "too-many-redirects",
        FetchStatus.HttpStatus => "http-status",
        FetchStatus.NotMedia => "not-media",
        FetchStatus.ConnectFailed => "connect-failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
