using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Watching;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion.WebSources;

/// <summary>What one crawl handed to the pipeline (counts and an error code only).</summary>
/// <param name="Pages">Pages read.</param>
/// <param name="Found">Media found.</param>
/// <param name="Queued">Media newly queued.</param>
/// <param name="Truncated">A cap was reached (pages, media, elements).</param>
/// <param name="Error">The start page's failure (<c>blocked-private</c>, <c>http-404</c>...), a later page's, <c>queue-full</c> or <c>visit-timeout</c>; null when none.</param>
/// <param name="StartFetch">The start page's fetch, when the walk got that far.</param>
internal sealed record CrawlTally(int Pages, int Found, int Queued, bool Truncated, string? Error, FetchResult? StartFetch = null);

/// <summary>
/// The walk both web connectors share (watched sources and the links of reports): crawls from a start
/// page with <see cref="SiteCrawler"/> up to a depth, and hands each new media URL to
/// <see cref="IIngestionPipeline"/> as the caller names it (source kind and id, the page it was on).
/// Work is capped by the <c>Ingestion</c> options: pages and media per visit and the time of a visit.
/// </summary>
internal sealed class MediaCrawl(IngestionFetcher fetcher, IIngestionPipeline pipeline, IOptions<IngestionServerOptions> options)
{
    private readonly SiteCrawler _crawler = new(fetcher.Fetcher);

    /// <summary>
    /// Crawls from <paramref name="start"/>; <paramref name="request"/> names the pipeline request of a
    /// media found on a page (null skips it). Stops at the visit's time limit (<c>visit-timeout</c>).
    /// </summary>
    public async Task<CrawlTally> QueueAsync(Uri start, int depth, Func<CrawledPage, MediaLink, IngestRequest?> request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        var limits = new CrawlLimits
        {
            Depth = depth,
            MaxPages = o.WebMaxPagesPerVisit,
            Extraction = ExtractionOptions.Default with { MaxMediaPerPage = Math.Min(ExtractionOptions.Default.MaxMediaPerPage, o.WebMaxItemsPerVisit) },
        };
        int found = 0, queued = 0;
        var truncated = false;
        string? error = null;
        FetchResult? startFetch = null;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(o.WebVisitTimeout);
        CrawlSummary crawl;
        try
        {
            crawl = await _crawler.CrawlAsync(start, limits, async (page, ct) =>
            {
                startFetch ??= page.Fetch;
                if (page.Page is not { } extracted)
                {
                    // The start page decides the status; a later page's failure is named too, but the visit still counts.
                    error ??= SiteCrawler.ErrorCode(page.Fetch);
                    return;
                }

                truncated |= extracted.Truncated;
                foreach (var link in page.NewMedia)
                {
                    if (request(page, link) is not { } item)
                    {
                        continue;
                    }

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

                    switch ((await pipeline.EnqueueAsync(item, ct).ConfigureAwait(false)).Status)
                    {
                        case EnqueueStatus.Accepted:
                            queued++;
                            break;
                        case EnqueueStatus.QueueFull:
                            error = "queue-full";
                            break;
                    }
                }
            }, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CrawlTally(0, found, queued, true, "visit-timeout", startFetch);
        }

        return new CrawlTally(crawl.PagesRead, found, queued, truncated || crawl.PageLimitReached, crawl.PagesRead == 0 ? error ?? "no-page" : error, startFetch);
    }

    /// <summary>Hands one media URL to the pipeline: 1 when newly queued, 0 when it was queued before, an error code when the queue is full.</summary>
    public async Task<(int Queued, string? Error)> QueueOneAsync(IngestRequest item, CancellationToken cancellationToken) =>
        (await pipeline.EnqueueAsync(item, cancellationToken).ConfigureAwait(false)).Status switch
        {
            EnqueueStatus.Accepted => (1, null),
            EnqueueStatus.QueueFull => (0, "queue-full"),
            _ => (0, null),
        };
}
