using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Ingestion;

/// <summary>The <c>Ingestion</c> section: the pipeline's and the web watcher's limits (which process runs them: <c>Roles</c>).</summary>
internal sealed class IngestionServerOptions
{
    public const string Section = "Ingestion";

    /// <summary>Old key of <c>Roles:Pipeline</c>, used while that is unset: run the background workers in this process (unset: on; the API to enqueue and inspect works either way).</summary>
    public bool? Worker { get; set; }

    [Range(1, 64)]
    public int Concurrency { get; set; } = 2;

    /// <summary>Items a worker claims and commits together (group commit).</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 16;

    [Range(1, int.MaxValue)]
    public int MaxPending { get; set; } = 10_000;

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    [Range(1, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    [Range(0, 86_400)]
    public int RetryDelaySeconds { get; set; } = 30;

    /// <summary>
    /// Explicit score (0..1, porn + hentai of the nudity classifier) above which an item that matched
    /// nothing is still queued for review (signal "nudity", below every match); 1 queues none. Has no
    /// effect when the nudity classifier is not installed.
    /// </summary>
    [Range(0.0, 1.0)]
    public double QueueNudityAbove { get; set; } = Haechi.Pipeline.Ingestion.IngestionOptions.DefaultQueueNudityAbove;

    /// <summary>Most frames of one video that go through the face and nudity models.</summary>
    [Range(1, 64)]
    public int VideoVisionFrames { get; set; } = 8;

    /// <summary>Let fetches reach loopback and private addresses (tests only).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Old key of <c>Roles:Watchers</c> for the web-source scheduler, used while that is unset: due watched sources are visited and their media queued (unset: on).</summary>
    public bool? WebWatcher { get; set; }

    /// <summary>How often the scheduler looks for due sources.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan WebWatcherPoll { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pages fetched per visit of one source, whatever its depth.</summary>
    [Range(1, 1000)]
    public int WebMaxPagesPerVisit { get; set; } = 50;

    /// <summary>Media URLs handed to the pipeline per visit of one source; the rest wait for the next visit.</summary>
    [Range(1, 100_000)]
    public int WebMaxItemsPerVisit { get; set; } = 500;

    /// <summary>A visit that takes longer is cut off (<c>visit-timeout</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WebVisitTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Shortest re-visit interval a source may have, in seconds.</summary>
    [Range(1, 86_400)]
    public int WebMinRevisitSeconds { get; set; } = 60;

    /// <summary>Same-site next pages followed from a reported link (0: the linked page only).</summary>
    [Range(0, 5)]
    public int ReportLinkDepth { get; set; } = 1;

    /// <summary>How often a reported link is visited again, so content that comes back is seen.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan ReportLinkRevisit { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long after the report its links are visited again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan ReportLinkFollowFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Where public Telegram channel links are read (the channel's web preview <c>{base}/s/{channel}</c>); tests point it at a local stand-in.</summary>
    [Url]
    public string TelegramPreviewBase { get; set; } = "https://t.me";

    /// <summary>Per-URL time limit of the fetcher (pages and media).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A body read that brings nothing for this long is cut off (<c>slow-response</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan FetchStallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest zip the upload form takes (under Kestrel's default request limit of 30 MB; larger seizures go through <c>haechi ingest import</c>).</summary>
    [Range(1, 30_000_000)]
    public long MaxUploadBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Most bytes unpacked from one uploaded archive.</summary>
    [Range(1, long.MaxValue)]
    public long MaxImportBytes { get; set; } = 1024L * 1024 * 1024;
}
