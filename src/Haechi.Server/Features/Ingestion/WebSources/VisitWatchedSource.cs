using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Haechi.Data;
using Haechi.Data.Watching;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Ingestion.WebSources;

/// <summary>What one visit of a watched source did (counts and an error code only).</summary>
internal sealed record SourceVisit(long SourceId, int Pages, int ItemsFound, int ItemsQueued, bool Truncated, string? Error);

/// <summary>
/// Visits one watched source: walks its start page and same-site next pages (up to its depth) with
/// <see cref="MediaCrawl"/> (the walk of <c>haechi watch</c>), and hands each media URL (with the page it was on)
/// to <see cref="IIngestionPipeline"/> (source kind <c>web</c>, source id <c>{source id}:{SHA-256 of the URL}</c>,
/// so a URL already seen is not queued again). The pipeline fetches, seals, fingerprints and matches the
/// media. Work per visit is capped (pages, media, time); the source's health (last visit, last success,
/// error code, counts) is saved after each visit.
/// </summary>
internal sealed partial class VisitWatchedSource(
    IServiceScopeFactory scopes,
    MediaCrawl crawl,
    TimeProvider time,
    ILogger<VisitWatchedSource> logger)
{
    /// <summary>The pipeline's source kind for media found by the web watcher.</summary>
    public const string SourceKind = "web";

    /// <summary>The pipeline source id of a media URL found by a source.</summary>
    public static string ItemSourceId(long sourceId, Uri mediaUrl)
    {
        ArgumentNullException.ThrowIfNull(mediaUrl);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mediaUrl.AbsoluteUri)));
        return string.Create(CultureInfo.InvariantCulture, $"{sourceId}:{digest}");
    }

    /// <summary>Visits the source now (whatever its schedule) and records its health; null when it does not exist.</summary>
    public async Task<SourceVisit?> ExecuteAsync(long sourceId, CancellationToken cancellationToken)
    {
        WatchedSourceRecord? source;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            source = await db.WatchedSources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, cancellationToken).ConfigureAwait(false);
        }

        if (source is null)
        {
            return null;
        }

        var startedAt = time.GetUtcNow();
        var visit = await CrawlAsync(source, cancellationToken).ConfigureAwait(false);

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            var record = await db.WatchedSources.FirstOrDefaultAsync(s => s.Id == sourceId, cancellationToken).ConfigureAwait(false);
            if (record is not null)
            {
                var now = time.GetUtcNow();
                record.LastVisitAt = startedAt;
                record.LastError = visit.Error;
                if (visit.Pages > 0)
                {
                    record.LastSuccessAt = now;
                }

                record.LastPages = visit.Pages;
                record.LastItemsFound = visit.ItemsFound;
                record.LastItemsQueued = visit.ItemsQueued;
                record.LastTruncated = visit.Truncated;
                record.Visits++;
                record.ItemsQueuedTotal += visit.ItemsQueued;

                // Back-pressure: a full queue brings the visit back soon rather than after the whole interval.
                var wait = visit.Error == "queue-full" ? TimeSpan.FromSeconds(Math.Min(record.RevisitSeconds, 60)) : TimeSpan.FromSeconds(record.RevisitSeconds);
                record.NextVisitAt = (now + wait).ToUnixTimeMilliseconds();
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        LogVisited(logger, visit.SourceId, visit.Pages, visit.ItemsFound, visit.ItemsQueued, visit.Error ?? "none");
        return visit;
    }

    private async Task<SourceVisit> CrawlAsync(WatchedSourceRecord source, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var start))
        {
            return new SourceVisit(source.Id, 0, 0, 0, false, "invalid-url");
        }

        var tally = await crawl.QueueAsync(
            start,
            source.Depth,
            (page, link) => new IngestRequest(SourceKind, ItemSourceId(source.Id, link.Url), Url: link.Url, PageUrl: page.Fetch.FinalUrl ?? page.Url),
            cancellationToken).ConfigureAwait(false);
        return new SourceVisit(source.Id, tally.Pages, tally.Found, tally.Queued, tally.Truncated, tally.Error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watched source {SourceId} visited: {Pages} pages, {Found} media found, {Queued} queued, error {Error}")]
    private static partial void LogVisited(ILogger logger, long sourceId, int pages, int found, int queued, string error);
}
