using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Haechi.Data;
using Haechi.Data.Watching;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Watching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion.WebSources;

/// <summary>What one visit of a watched source did (counts and an error code only).</summary>
internal sealed record SourceVisit(long SourceId, int Pages, int ItemsFound, int ItemsQueued, bool Truncated, string? Error);

/// <summary>
/// Visits one watched source: walks its start page and same-site next pages (up to its depth) with
/// <see cref="SiteCrawler"/> (the walk of <c>haechi watch</c>), and hands each media URL
/// to <see cref="IIngestionPipeline"/> (source kind <c>web</c>, source id <c>{source id}:{SHA-256 of the URL}</c>,
/// so a URL already seen is not queued again). The pipeline fetches, seals, fingerprints and matches the
/// media. Work per visit is capped (pages, media, time); the source's health (last visit, last success,
/// error code, counts) is saved after each visit.
/// </summary>
internal sealed partial class VisitWatchedSource(
    IServiceScopeFactory scopes,
    IngestionFetcher fetcher,
    IIngestionPipeline pipeline,
    IOptions<IngestionServerOptions> options,
    TimeProvider time,
    ILogger<VisitWatchedSource> logger)
{
    private readonly SiteCrawler _crawler = new(fetcher.Fetcher);

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
        var o = options.Value;
        SourceVisit visit;
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            limit.CancelAfter(o.WebVisitTimeout);
            try
            {
                visit = await CrawlAsync(source, o, limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                visit = new SourceVisit(source.Id, 0, 0, 0, true, "visit-timeout");
            }
        }

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

    private async Task<SourceVisit> CrawlAsync(WatchedSourceRecord source, IngestionServerOptions o, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(source.Url, UriKind.Absolute, out var start))
        {
            return new SourceVisit(source.Id, 0, 0, 0, false, "invalid-url");
        }

        var limits = new CrawlLimits
        {
            Depth = source.Depth,
            MaxPages = o.WebMaxPagesPerVisit,
            Extraction = ExtractionOptions.Default with { MaxMediaPerPage = Math.Min(ExtractionOptions.Default.MaxMediaPerPage, o.WebMaxItemsPerVisit) },
        };
        int found = 0, queued = 0;
        var truncated = false;
        string? error = null;
        var crawl = await _crawler.CrawlAsync(start, limits, async (page, ct) =>
        {
            if (page.Page is not { } extracted)
            {
                // The start page decides the source's status; a later page's failure is named too, but the visit still counts.
                error ??= SiteCrawler.ErrorCode(page.Fetch);
                return;
            }

            truncated |= extracted.Truncated;
            foreach (var link in page.NewMedia)
            {
                found++;
                if (found > o.WebMaxItemsPerVisit)
                {
                    truncated = true;
                    continue;
                }

                if (error == "queue-full")
                {
                    continue;
                }

                var outcome = await pipeline.EnqueueAsync(new IngestRequest(SourceKind, ItemSourceId(source.Id, link.Url), Url: link.Url, PageUrl: page.Url), ct).ConfigureAwait(false);
                switch (outcome.Status)
                {
                    case EnqueueStatus.Accepted:
                        queued++;
                        break;
                    case EnqueueStatus.QueueFull:
                        error = "queue-full";
                        break;
                }
            }
        }, cancellationToken).ConfigureAwait(false);

        return new SourceVisit(source.Id, crawl.PagesRead, found, queued, truncated || crawl.PageLimitReached, crawl.PagesRead == 0 ? error ?? "no-page" : error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watched source {SourceId} visited: {Pages} pages, {Found} media found, {Queued} queued, error {Error}")]
    private static partial void LogVisited(ILogger logger, long sourceId, int pages, int found, int queued, string error);
}
