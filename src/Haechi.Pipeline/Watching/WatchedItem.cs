using Haechi.Core.Hashing;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Matching;

namespace Haechi.Pipeline.Watching;

/// <summary>What became of one media item: fetched and matched, or why not.</summary>
public enum WatchItemStatus
{
    /// <summary>Fetched, fingerprinted and looked up (matches may be empty).</summary>
    Ok,

    /// <summary>The fetch failed; <see cref="WatchedItem.Fetch"/> says how.</summary>
    FetchFailed,

    /// <summary>The header declares more pixels than the cap (a likely decompression bomb).</summary>
    TooManyPixels,

    /// <summary>The bytes looked like media but could not be decoded.</summary>
    Undecodable,

    /// <summary>PDQ quality below the floor: too little detail to match on.</summary>
    LowQuality,

    /// <summary>More media than the per-run cap; not fetched.</summary>
    Skipped,
}

/// <summary>One page the watcher visited.</summary>
public sealed record WatchedPage(Uri Url, int Depth, FetchStatus Status, string? Detail, int MediaFound, int NextPagesFound, bool Truncated);

/// <summary>One media item found on a watched page, with its status and matches.</summary>
public sealed record WatchedItem
{
    /// <summary>The media URL.</summary>
    public required Uri Url { get; init; }

    /// <summary>The page it was first found on.</summary>
    public required Uri PageUrl { get; init; }

    /// <summary>How it was referenced.</summary>
    public required MediaSource Source { get; init; }

    /// <summary>The outcome.</summary>
    public required WatchItemStatus Status { get; init; }

    /// <summary>The fetch outcome (<see cref="FetchStatus.Ok"/> unless the fetch failed; null when skipped).</summary>
    public FetchStatus? Fetch { get; init; }

    /// <summary>A short technical reason when not ok.</summary>
    public string? Detail { get; init; }

    /// <summary>"image" or "video" once the bytes were sniffed.</summary>
    public string? Kind { get; init; }

    /// <summary>SHA-256 of the fetched bytes (lower-case hex): exact de-duplication and notices.</summary>
    public string? Sha256 { get; init; }

    /// <summary>PDQ of an image.</summary>
    public Hash256? Pdq { get; init; }

    /// <summary>PDQ quality of an image.</summary>
    public int? Quality { get; init; }

    /// <summary>Frames hashed for a video.</summary>
    public int? Frames { get; init; }

    /// <summary>Bank entries an image matched.</summary>
    public IReadOnlyList<ImageBankMatch> ImageMatches { get; init; } = [];

    /// <summary>Bank entries a video matched.</summary>
    public IReadOnlyList<VideoBankMatch> VideoMatches { get; init; } = [];

    /// <summary>When the bytes were fetched.</summary>
    public DateTimeOffset? FetchedAt { get; init; }

    /// <summary>True when any bank entry matched.</summary>
    public bool IsMatch => ImageMatches.Count > 0 || VideoMatches.Count > 0;
}

/// <summary>Everything one watch of one start URL found.</summary>
public sealed record WatchReport(Uri StartUrl, IReadOnlyList<WatchedPage> Pages, IReadOnlyList<WatchedItem> Items, TimeSpan Elapsed);

/// <summary>The names the CLI and JSON print for <see cref="WatchItemStatus"/>.</summary>
public static class WatchItemStatusNames
{
    /// <summary>The item's status: the fetch status name when the fetch failed, else a kebab-case name.</summary>
    public static string StatusName(this WatchedItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Status switch
        {
            WatchItemStatus.Ok => "ok",
            WatchItemStatus.FetchFailed => item.Fetch?.Name() ?? "fetch-failed",
            WatchItemStatus.TooManyPixels => "too-many-pixels",
            WatchItemStatus.Undecodable => "undecodable",
            WatchItemStatus.LowQuality => "low-quality",
            WatchItemStatus.Skipped => "skipped",
            _ => throw new ArgumentOutOfRangeException(nameof(item)),
        };
    }
}
